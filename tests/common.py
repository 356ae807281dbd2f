# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import datetime
import importlib
import os

from odoo_test_helper import FakeModelLoader

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import UserError
from odoo.modules.migration import load_script
from odoo.modules.module import get_manifest
from odoo.tests import Form
from odoo.tools import convert_file

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


def delete_committed_plan(registry, plan_id, partner_id):
    """Delete what a concurrency test committed: the plan, its settlements and
    commission lines, and the beneficiary."""
    with registry.cursor() as cr:
        # the lines first: their key refuses to lose their components
        cr.execute("DELETE FROM sale_incentive_line WHERE plan_id = %s", [plan_id])
        cr.execute(
            "DELETE FROM sale_incentive_settlement WHERE plan_id = %s", [plan_id]
        )
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["sale.incentive.plan"].browse(plan_id).unlink()
        env["res.partner"].browse(partner_id).unlink()


def commit_agent_plan(registry, name, agents, lines, amount=12.34):
    """Commit, through a cursor of its own, a plan paying ``agents`` external
    agents, each earning ``lines`` lines of ``amount`` in March 2026; returns
    (plan id, [partner ids])."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        company = env.ref("base.main_company")
        partners = env["res.partner"].create(
            [
                {"name": f"{name} Agent {index}", "is_incentive_agent": True}
                for index in range(agents)
            ]
        )
        plan = env["sale.incentive.plan"].create(
            {
                "name": name,
                "company_id": company.id,
                "agent_ids": [Command.set(partners.ids)],
            }
        )
        env["sale.incentive.line"].create(
            [
                {
                    "company_id": company.id,
                    "plan_id": plan.id,
                    "kind": "invoice",
                    "is_earned": True,
                    "date": datetime.date(2026, 3, 1 + index % 28),
                    "partner_id": partner.id,
                    "base_amount": 1000.0,
                    "amount": amount,
                }
                for partner in partners
                for index in range(lines)
            ]
        )
        return plan.id, partners.ids


def load_migration(version, stage):
    """The module of migrations/<version>/<stage>-migrate.py (its
    ``migrate(cr, version)`` is what Odoo runs on update)."""
    path = os.path.join(
        os.path.dirname(os.path.dirname(__file__)),
        "migrations",
        version,
        f"{stage}-migrate.py",
    )
    return load_script(path, f"sale_incentive_{stage}_migrate")


def extend_registry(case, module, *names):
    """Register the classes ``names`` of the tests' ``module`` (extensions
    as another module would write them, imported only now) for the test
    class ``case``, until its end (odoo-test-helper)."""
    loader = FakeModelLoader(case.env, case.__module__)
    loader.backup_registry()
    extension = importlib.import_module(f"{__package__}.{module}")
    loader.update_registry([getattr(extension, name) for name in names])
    case.addClassCleanup(loader.restore_registry)


def commit_table_plan(registry, name, rule):
    """Commit, through a cursor of its own, a plan with the period-table
    ``rule`` (values) paying one external agent; returns (plan id, rule id,
    partner id)."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        partner = env["res.partner"].create(
            {"name": f"{name} Agent", "is_incentive_agent": True}
        )
        plan = env["sale.incentive.plan"].create(
            {
                "name": name,
                "company_id": env.ref("base.main_company").id,
                "agent_ids": [Command.set(partner.ids)],
                "rule_ids": [Command.create(rule)],
            }
        )
        return plan.id, plan.rule_ids.id, partner.id


def read_settled_lines(cr, plan_id, date_from="0001-01-01"):
    """{"lines", "settled", "settlements", "settled_amount", "amount"} of the
    committed lines of a plan dated from ``date_from``, read on ``cr``
    through the settlement link."""
    cr.execute(
        """SELECT count(*), count(c.settlement_id), count(DISTINCT c.settlement_id),
                  COALESCE(SUM(l.amount) FILTER (WHERE c.id IS NOT NULL), 0),
                  COALESCE(SUM(l.amount), 0)
             FROM sale_incentive_line l
             LEFT JOIN sale_incentive_settlement_line c
               ON c.id = l.settlement_line_id
            WHERE l.plan_id = %s AND l.date >= %s""",
        [plan_id, date_from],
    )
    keys = ("lines", "settled", "settlements", "settled_amount", "amount")
    return dict(zip(keys, cr.fetchone(), strict=True))


def delete_committed_runs(registry, plan_id):
    """Delete the settlement runs of ``plan_id`` a test committed, their
    messages, and the scheduled action's triggers and progress."""
    with registry.cursor() as cr:
        cr.execute(
            "SELECT run_id FROM sale_incentive_settle_run_plan_rel WHERE plan_id = %s",
            [plan_id],
        )
        run_ids = [row[0] for row in cr.fetchall()]
        cr.execute(
            "DELETE FROM mail_message WHERE model = 'sale.incentive.settle.run' "
            "AND res_id = ANY(%s)",
            [run_ids],
        )
        cr.execute(
            "DELETE FROM sale_incentive_settle_run WHERE id = ANY(%s)", [run_ids]
        )
        env = api.Environment(cr, SUPERUSER_ID, {})
        cron = env.ref("sale_incentive.ir_cron_sale_incentive_settle_run")
        cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id = %s", [cron.id])
        cr.execute("DELETE FROM ir_cron_progress WHERE cron_id = %s", [cron.id])


class DemoCompanyCase:
    """A test on the demo company of ``make run`` (issue #10), mixed before
    its Odoo test case.

    On a database installed with demo data (the demo install of ``make
    test``) it reads the demo as installed; installed without (the suite's
    database), it loads the module's demo files first, inside the test's
    transaction, the way the installation does.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.installed_with_demo = bool(
            cls.env.ref(
                "sale_incentive.demo_plan_key_accounts", raise_if_not_found=False
            )
        )
        if not cls.installed_with_demo:
            # as the installation does: no sign-up invitation to the new users
            env = cls.env(context=dict(cls.env.context, no_reset_password=True))
            for path in get_manifest("sale_incentive")["demo"]:
                convert_file(env, "sale_incentive", path, {}, mode="init", kind="demo")

    def _settle_open_period(self, plan):
        """{partner: amount payable} of what the settle wizard settles now for
        the period of ``plan`` containing today (empty when the wizard says
        there is nothing to settle)."""
        today = fields.Date.context_today(self.env.user)
        Settlement = self.env["sale.incentive.settlement"]
        wizard = self.env["sale.incentive.settle.wizard"].create(
            {"period": plan.period, "date": today, "plan_ids": [Command.set(plan.ids)]}
        )
        try:
            settled = Settlement.search(wizard.action_settle()["domain"])
        except UserError as error:
            # the wizard says why the period has nothing to settle
            self.assertTrue(str(error).startswith("Nothing to settle"), error)
            return {}
        return {
            settlement.partner_id: settlement.amount_payable for settlement in settled
        }


def activate_zh_cn(env):
    """Simplified Chinese active, with the module's translations loaded."""
    env["res.lang"]._activate_lang("zh_CN")
    env["ir.module.module"]._load_module_terms(
        ["sale_incentive"], ["zh_CN"], overwrite=True
    )


class IncentiveCase(AccountTestInvoicingCommon):
    """Company with a chart of accounts, two reps, a manager, a customer, a product."""

    # ISO code of the test company's currency; None: the chart's (USD)
    company_currency_code = None

    @classmethod
    def setup_independent_company(cls, **kwargs):
        if cls.company_currency_code:
            currency = cls._enable_currency(cls.company_currency_code)
            kwargs.setdefault("currency_id", currency.id)
        return super().setup_independent_company(**kwargs)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.currency = cls.env.company.currency_id
        group_rep = cls.env.ref("sale_incentive.group_sale_incentive_user")
        group_manager = cls.env.ref("sale_incentive.group_sale_incentive_manager")
        group_admin = cls.env.ref("sale_incentive.group_sale_incentive_admin")
        group_accountant = cls.env.ref("sale_incentive.group_sale_incentive_accountant")
        salesman = cls.env.ref("sales_team.group_sale_salesman")
        sale_manager = cls.env.ref("sales_team.group_sale_manager")
        # the test user (an accountant from AccountTestInvoicingCommon) also
        # configures plans, settles and posts them, and sells
        cls.env.user.groups_id += group_admin + group_accountant + sale_manager
        cls.rep = cls._make_user("rep_a", [salesman, group_rep])
        cls.rep_b = cls._make_user("rep_b", [salesman, group_rep])
        cls.rep_c = cls._make_user("rep_c", [salesman, group_rep])
        cls.manager = cls._make_user("mgr", [sale_manager, group_manager])
        cls.incentive_admin = cls._make_user("incadm", [sale_manager, group_admin])
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Key Accounts",
                "user_id": cls.manager.id,
                "member_ids": [Command.set([cls.rep.id, cls.rep_b.id])],
            }
        )
        cls.other_team = cls.env["crm.team"].create(
            {"name": "Channel", "member_ids": [Command.set(cls.rep_c.ids)]}
        )
        cls.customer = cls.env["res.partner"].create({"name": "Big Buyer Ltd"})
        cls.product = cls.env["product.product"].create(
            {
                "name": "Widget",
                "type": "consu",
                "list_price": 1000.0,
                "standard_price": 600.0,
                "invoice_policy": "order",
                "taxes_id": [Command.clear()],
            }
        )

    @classmethod
    def _activate_zh_cn(cls):
        """Simplified Chinese active, with the module's translations loaded."""
        activate_zh_cn(cls.env)

    @classmethod
    def _make_user(cls, login, groups):
        return cls.env["res.users"].create(
            {
                "name": login.title(),
                "login": login,
                "password": login,
                "email": f"{login}@example.com",
                "company_id": cls.env.company.id,
                "company_ids": [Command.set(cls.env.company.ids)],
                "groups_id": [Command.set([g.id for g in groups])],
            }
        )

    @classmethod
    def _make_access_roles(cls, company_b):
        """{role: user} of the access matrix (issue #9).

        ``user`` is the rep ``rep_a`` (member of the team ``manager`` leads);
        ``other_company`` is an incentive administrator and accountant of
        ``company_b`` only.
        """
        ref = cls.env.ref
        accountant = ref("sale_incentive.group_sale_incentive_accountant")
        admin = ref("sale_incentive.group_sale_incentive_admin")
        sale_manager = ref("sales_team.group_sale_manager")
        other = cls._make_user("other_co", [admin, accountant, sale_manager])
        other.write(
            {"company_id": company_b.id, "company_ids": [Command.set(company_b.ids)]}
        )
        return {
            "portal": cls._make_user("portal_u", [ref("base.group_portal")]),
            "employee": cls._make_user("employee", [ref("base.group_user")]),
            "sales_own": cls._make_user(
                "sales_own", [ref("sales_team.group_sale_salesman")]
            ),
            "sales_all": cls._make_user(
                "sales_all", [ref("sales_team.group_sale_salesman_all_leads")]
            ),
            "billing": cls._make_user(
                "billing", [ref("account.group_account_invoice")]
            ),
            "user": cls.rep,
            "manager": cls.manager,
            "accountant": cls._make_user("accountant", [accountant]),
            "admin": cls.incentive_admin,
            "other_company": other,
        }

    @classmethod
    def _make_agent(cls, name, login=None):
        """An external agent (paid by vendor bill); with ``login``, also a
        portal user of that partner."""
        agent = cls.env["res.partner"].create(
            {"name": name, "is_incentive_agent": True, "email": f"{name}@example.com"}
        )
        if login:
            cls.env["res.users"].create(
                {
                    "login": login,
                    "password": login,
                    "partner_id": agent.id,
                    "groups_id": [Command.set(cls.env.ref("base.group_portal").ids)],
                }
            )
        return agent

    @classmethod
    def _make_plan(cls, rate=3.0, users=None, activate=True, **values):
        """A plan, activated by the test user (an incentive administrator)
        unless ``activate`` is False: only active plans write lines."""
        rule_vals = values.pop("rule", {"name": "Standard", "rate": rate})
        vals = {
            "name": "Plan",
            "user_ids": [Command.set((users or cls.rep).ids)],
            "rule_ids": [Command.create(rule_vals)],
        }
        vals.update(values)
        plan = cls.env["sale.incentive.plan"].create(vals)
        if activate:
            plan.action_activate()
        return plan

    def _new_version(self, plan, date):
        """*New Version* of ``plan`` taking effect on ``date``, through its
        wizard; returns the new (draft) version."""
        action = plan.action_new_version()
        form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        form.date_from = fields.Date.to_date(date)
        result = form.save().action_confirm()
        return self.env["sale.incentive.plan"].browse(result["res_id"])

    def _simulate(self, plan, date_from, date_to, compare=None, user=None):
        """What-if simulation of ``plan`` through its wizard; ``compare``: the
        plans actually paid (default: the wizard's)."""
        action = plan.with_user(user or self.env.user).action_simulate()
        wizard_model = self.env[action["res_model"]].with_user(user or self.env.user)
        form = Form(wizard_model.with_context(**action["context"]))
        form.date_from = fields.Date.to_date(date_from)
        form.date_to = fields.Date.to_date(date_to)
        if compare is not None:
            form.compare_plan_ids.clear()
            for other in compare:
                form.compare_plan_ids.add(other)
        wizard = form.save()
        wizard.action_simulate()
        return wizard

    def _adjust(self, amount, reason, date, user=None, plan=None, by=None, **values):
        """A manual adjustment requested by ``by`` (default: the manager)."""
        beneficiary = user or self.rep
        vals = {
            "plan_id": (plan or self.plan).id,
            "user_id": beneficiary.id,
            "partner_id": beneficiary.partner_id.id,
            "date": date,
            "amount": amount,
            "reason": reason,
        }
        vals.update(values)
        return (
            self.env["sale.incentive.adjustment"]
            .with_user(by or self.manager)
            .create(vals)
        )

    @classmethod
    def _period_table(cls, name="Period ladder"):
        """Rule values: a marginal period-cumulative table, 2 % up to 500,000
        and 3 % above."""
        return {
            "name": name,
            "compute_type": "bracket",
            "bracket_basis": "period",
            "bracket_mode": "marginal",
            "bracket_ids": [
                Command.create({"amount_from": 0, "amount_to": 500_000, "rate": 2.0}),
                Command.create({"amount_from": 500_000, "amount_to": 0, "rate": 3.0}),
            ],
        }

    def _order(self, lines, user=None, partner=None, confirm=True, **values):
        """lines: [(product, qty, price_unit)]."""
        vals = {
            "partner_id": (partner or self.customer).id,
            "user_id": (user or self.rep).id,
            "team_id": self.team.id,
            "order_line": [
                Command.create(
                    {
                        "product_id": product.id,
                        "product_uom_qty": qty,
                        "price_unit": price,
                        "tax_id": [Command.clear()],
                    }
                )
                for product, qty, price in lines
            ],
        }
        vals.update(values)
        order = self.env["sale.order"].create(vals)
        if confirm:
            order.action_confirm()
        return order

    def _invoice(self, order, date="2026-03-15", post=True):
        invoice = order._create_invoices()
        invoice.invoice_date = date
        if post:
            invoice.action_post()
        return invoice

    def _direct_invoice(self, lines, user=None, date="2026-03-15", post=True):
        """Customer invoice without sale order; lines: [(product, qty, price_unit)]."""
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_user_id": (user or self.rep).id,
                "invoice_date": date,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": qty,
                            "price_unit": price,
                            "tax_ids": [Command.clear()],
                        }
                    )
                    for product, qty, price in lines
                ],
            }
        )
        if post:
            invoice.action_post()
        return invoice

    def _invoice_in(self, company, partner=None, amount=1000.0, user=None):
        """Posted customer invoice of ``company`` (one untaxed line, no product)."""
        env = self.env(context=dict(self.env.context, allowed_company_ids=company.ids))
        invoice = (
            env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": (partner or self.customer).id,
                    "invoice_user_id": (user or self.rep).id,
                    "invoice_date": "2026-03-15",
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Consulting",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        invoice.action_post()
        return invoice

    def _refund(self, invoice, date="2026-04-10", quantity=None, post=True):
        """Credit note through Odoo's reversal wizard; ``quantity`` makes it partial."""
        wizard = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {
                    "date": date,
                    "reason": "Returned",
                    "journal_id": invoice.journal_id.id,
                }
            )
        )
        action = wizard.refund_moves()
        refund = self.env["account.move"].browse(action["res_id"])
        if quantity is not None:
            with Form(refund) as form, form.invoice_line_ids.edit(0) as line:
                line.quantity = quantity
        if post:
            refund.action_post()
        return refund

    def _pay(self, invoice, amount=None, date="2026-03-20"):
        ctx = {"active_model": "account.move", "active_ids": invoice.ids}
        form = Form(self.env["account.payment.register"].with_context(**ctx))
        form.payment_date = fields.Date.to_date(date)
        if amount is not None:
            form.amount = amount  # partial: the invoice stays open
        return form.save()._create_payments()

    def _pay_settlement(self, settlement, date="2026-04-05"):
        """Pay a posted settlement through its Register Payment button."""
        action = settlement.action_register_payment()
        form = Form(self.env[action["res_model"]].with_context(**action["context"]))
        form.payment_date = fields.Date.to_date(date)
        return form.save().action_create_payments()

    def _forfeit(self, reason, partner=None, date="2026-06-30"):
        """Forfeiture decision through the wizard; returns its settlements."""
        wizard = self.env["sale.incentive.forfeit.wizard"].create(
            {
                "partner_id": (partner or self.rep.partner_id).id,
                "reason": reason,
                "date": date,
                "note": "Left the company",
            }
        )
        action = wizard.action_confirm()
        return self.env["sale.incentive.settlement"].search(action["domain"])

    def _dispute(self, order, user, reason="I found this customer"):
        """``user`` disputes the credit of ``order`` through the dispute
        wizard the order's button opens."""
        action = order.with_user(user).action_incentive_dispute()
        form = Form(
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
        )
        form.reason = reason
        return form.save().action_dispute()

    def _run_forecast_job(self):
        """Run the background job that writes the forecast lines of the
        orders confirmed or changed (triggered by them; run by the cron
        worker outside tests)."""
        self.env.ref(
            "sale_incentive.ir_cron_incentive_forecast"
        ).method_direct_trigger()

    def _lines(self, **domain):
        dom = [(key, "=", value) for key, value in domain.items()]
        return self.env["sale.incentive.line"].search(dom)

    def assertMoney(self, amount, expected, msg=None):
        self.assertEqual(
            self.currency.compare_amounts(amount, expected),
            0,
            msg or f"{amount} != {expected}",
        )
