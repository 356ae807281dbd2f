# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import SQL

from .common import IncentiveCase, extend_registry, load_migration


@tagged("post_install", "-at_install")
class TestCustomerTier(IncentiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Tier = cls.env["sale.incentive.customer.tier"]
        currency = cls.env.company.currency_id
        cls.big = Tier.create(
            {
                "name": "Big",
                "code": "big",
                "currency_id": currency.id,
                "min_amount": 3_500_000,
            }
        )
        cls.medium = Tier.create(
            {
                "name": "Medium",
                "code": "medium",
                "currency_id": currency.id,
                "min_amount": 850_000,
                "max_amount": 3_500_000,
            }
        )
        cls.small = Tier.create(
            {
                "name": "Small",
                "code": "small",
                "currency_id": currency.id,
                "max_amount": 850_000,
            }
        )
        cls.small_buyer = cls.env["res.partner"].create({"name": "Small Buyer"})
        cls.walk_in = cls.env["res.partner"].create({"name": "Walk-in"})

    def _recompute(self, day=date(2026, 11, 30)):
        return self.env["sale.incentive.customer.tier"]._recompute_partner_tiers(
            self.env.company, day
        )

    def test_recompute_classifies_by_trailing_sales(self):
        self._invoice(self._order([(self.product, 900, 1000.0)]), date="2026-03-15")
        self._invoice(
            self._order([(self.product, 100, 1000.0)], partner=self.small_buyer),
            date="2026-04-15",
        )
        # outside the trailing 12 months ending 2026-11-30: not counted
        self._invoice(
            self._order([(self.product, 3000, 1000.0)], partner=self.small_buyer),
            date="2025-11-30",
        )
        self.assertEqual(self._recompute(), 2)
        self.assertEqual(self.customer.incentive_tier_id, self.medium)
        self.assertEqual(self.small_buyer.incentive_tier_id, self.small)
        # a contact of the customer reads its commercial partner's tier
        contact = self.env["res.partner"].create(
            {"name": "Buyer contact", "parent_id": self.customer.id}
        )
        line_model = self.env["sale.incentive.source"]
        self.assertEqual(line_model._get_customer_tier(contact, date.today()), "medium")
        # calendar-year window: the 2025 invoice counts for a 2025 date
        self.env["ir.config_parameter"].set_param(
            "sale_incentive.tier_window", "calendar_year"
        )
        self._recompute(date(2025, 12, 31))
        self.assertEqual(self.small_buyer.incentive_tier_id, self.medium)
        self.assertEqual(self.customer.incentive_tier_id, self.small)

    def test_locked_tier_is_kept(self):
        self.customer.write(
            {"incentive_tier_id": self.big.id, "incentive_tier_locked": True}
        )
        self._invoice(self._order([(self.product, 10, 1000.0)]))
        self._recompute()
        self.assertEqual(self.customer.incentive_tier_id, self.big)
        self.customer.incentive_tier_locked = False
        # the button of the tier list (trailing 12 months up to today)
        action = self.big.action_recompute_partner_tiers()
        self.assertIn("1 customer(s) changed tier", action["params"]["message"])
        self.assertEqual(self.customer.incentive_tier_id, self.small)
        self.assertEqual(self.small.partner_count, 1)

    def test_lines_keep_tier_in_force(self):
        # rules are added to a draft, then the plan is activated
        plan = self._make_plan(rate=3.0, activate=False)
        plan.rule_ids = [
            Command.create(
                {
                    "name": "Big customers",
                    "sequence": 1,
                    "rate": 5.0,
                    "tier_ids": [Command.set(self.big.ids)],
                }
            )
        ]
        plan.action_activate()
        self.customer.incentive_tier_id = self.big
        invoice = self._invoice(self._order([(self.product, 2, 1000.0)]))
        line = self._lines(move_id=invoice.id)
        self.assertEqual(line.tier_id, self.big)
        self.assertEqual(line.rate, 5.0)
        self.assertMoney(line.amount, 100.0)
        # the customer drops to small: the written line keeps 'big', new
        # lines use the standard rule
        self._recompute()
        self.assertEqual(self.customer.incentive_tier_id, self.small)
        self.assertEqual(line.tier_id, self.big)
        invoice2 = self._invoice(self._order([(self.product, 2, 1000.0)]))
        line2 = self._lines(move_id=invoice2.id)
        self.assertEqual(line2.tier_id, self.small)
        self.assertMoney(line2.amount, 60.0)
        # a credit note reverses at the original tier and rate
        refund = self._refund(invoice)
        clawback = self._lines(move_id=refund.id)
        self.assertEqual(clawback.tier_id, self.big)
        self.assertMoney(clawback.amount, -100.0)

    def test_tiers_per_company_in_the_tiers_currency(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        self.env.user.company_ids |= company_b
        eur = self._enable_currency("EUR")
        # in company B, 1 USD = 0.5 EUR: the 1,000 EUR threshold is 2,000 USD
        self.env["res.currency.rate"].create(
            {
                "name": "2026-01-01",
                "rate": 0.5,
                "currency_id": eur.id,
                "company_id": company_b.id,
            }
        )
        Tier = self.env["sale.incentive.customer.tier"].with_company(company_b)
        b_large, b_small = Tier.create(
            [
                {
                    "name": "B large",
                    "code": "large",
                    "company_id": company_b.id,
                    "currency_id": eur.id,
                    "min_amount": 1000.0,
                },
                {
                    "name": "B small",
                    "code": "small",
                    "company_id": company_b.id,
                    "currency_id": eur.id,
                    "max_amount": 1000.0,
                },
            ]
        )
        self.customer.write(
            {"incentive_tier_id": self.big.id, "incentive_tier_locked": True}
        )
        self._invoice_in(company_b, self.customer, 1999.99, self.env.user)
        self._invoice_in(company_b, self.small_buyer, 2000.0, self.env.user)
        self.assertEqual(
            Tier._recompute_partner_tiers(company_b, date(2026, 11, 30)), 2
        )
        customer_b = self.customer.with_company(company_b)
        buyer_b = self.small_buyer.with_company(company_b)
        self.assertEqual(customer_b.incentive_tier_id, b_small)
        self.assertEqual(buyer_b.incentive_tier_id, b_large)
        self.assertEqual(b_large.partner_count, 1)
        # a tier of company A is no tier of company B
        with self.assertRaises(UserError), self.env.cr.savepoint():
            customer_b.incentive_tier_id = self.big
        self.assertEqual(customer_b.incentive_tier_id, b_small)
        # company A keeps its own (locked) tier and ignores company B's sales
        self.assertEqual(self.customer.incentive_tier_id, self.big)
        self.assertEqual(self._recompute(), 0)
        self.assertFalse(self.small_buyer.incentive_tier_id)
        self.assertEqual(buyer_b.incentive_tier_id, b_large)
        # B's sales drop out of the window: B's tier of 0 sales
        self.assertEqual(Tier._recompute_partner_tiers(company_b, date(2027, 6, 1)), 1)
        self.assertEqual(buyer_b.incentive_tier_id, b_small)
        self.assertEqual(customer_b.incentive_tier_id, b_small)

    def _classification(self, partners):
        """[(partner, tier, locked)] of the tier table, current company."""
        rows = self.env["sale.incentive.partner.tier"].search(
            [
                ("company_id", "=", self.env.company.id),
                ("partner_id", "in", partners.ids),
            ]
        )
        return sorted(
            ((r.partner_id, r.tier_id, r.locked) for r in rows),
            key=lambda row: row[0].id,
        )

    def _ctids(self, partners):
        """Where each partner's row lies: any UPDATE of it moves it."""
        return dict(
            self.env.execute_query(
                SQL(
                    "SELECT id, ctid::text FROM res_partner WHERE id = ANY(%s)",
                    partners.ids,
                )
            )
        )

    def test_classification_in_lean_table_not_on_partners(self):
        partners = self.customer | self.small_buyer
        self._invoice(self._order([(self.product, 900, 1000.0)]), date="2026-03-15")
        self._invoice(
            self._order([(self.product, 100, 1000.0)], partner=self.small_buyer),
            date="2026-04-15",
        )
        self.env.flush_all()
        before = self._ctids(partners)
        self.assertEqual(self._recompute(), 2)
        self.assertEqual(
            self._classification(partners),
            [
                (self.customer, self.medium, False),
                (self.small_buyer, self.small, False),
            ],
        )
        # the wide partner table is not rewritten by the classification
        self.assertEqual(self._ctids(partners), before)
        # the daily re-run: nothing changes, nothing is written
        self.assertEqual(self._recompute(), 0)
        # the sales leave the window: the tier of 0 sales (small)
        self.assertEqual(self._recompute(date(2027, 6, 1)), 1)
        self.assertEqual(
            self._classification(partners),
            [(self.customer, self.small, False), (self.small_buyer, self.small, False)],
        )
        self.assertEqual(self.small.partner_count, 2)
        self.assertEqual(self._ctids(partners), before)

    def test_tier_without_tier_from_zero_is_removed(self):
        self.small.unlink()
        self._invoice(self._order([(self.product, 900, 1000.0)]), date="2026-03-15")
        self.assertEqual(self._recompute(), 1)
        self.assertEqual(
            self._classification(self.customer), [(self.customer, self.medium, False)]
        )
        # the sales leave the window: no tier covers 0, the row goes
        self.assertEqual(self._recompute(date(2027, 6, 1)), 1)
        self.assertEqual(self._classification(self.customer), [])
        self.assertFalse(self.customer.incentive_tier_id)

    def test_manager_sets_tier_and_lock_on_the_partner_form(self):
        self.env["res.partner"].invalidate_model()
        with Form(self.customer.with_user(self.manager)) as form:
            form.incentive_tier_locked = True
            form.incentive_tier_id = self.big
        self.assertEqual(
            self._classification(self.customer), [(self.customer, self.big, True)]
        )
        self.assertEqual(self.customer.incentive_tier_id, self.big)
        self.assertTrue(self.customer.incentive_tier_locked)
        # locked: the recomputation keeps it, sales or not
        self._invoice(self._order([(self.product, 10, 1000.0)]))
        self.assertEqual(self._recompute(), 0)
        self.assertEqual(self.customer.incentive_tier_id, self.big)
        # a rep reads the tier, never sets it (nor the lock, nor the row)
        customer = self.customer.with_user(self.rep)
        self.assertEqual(customer.incentive_tier_id, self.big)
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            customer.write({"incentive_tier_id": self.small.id})
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            customer.write({"incentive_tier_locked": False})
        row = self.env["sale.incentive.partner.tier"].search(
            [("partner_id", "=", self.customer.id)]
        )
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            row.with_user(self.rep).write({"locked": False})
        self.assertEqual(
            self._classification(self.customer), [(self.customer, self.big, True)]
        )
        # unlocked by the manager: the next run classifies it again
        with Form(self.customer.with_user(self.manager)) as form:
            form.incentive_tier_locked = False
        self.assertEqual(
            self._classification(self.customer), [(self.customer, self.big, False)]
        )
        self.assertEqual(self._recompute(), 1)
        self.assertEqual(
            self._classification(self.customer), [(self.customer, self.small, False)]
        )
        # cleared by hand, unlocked: no row left
        self.customer.with_user(self.manager).incentive_tier_id = False
        self.assertEqual(self._classification(self.customer), [])

    def test_deleting_a_partner_or_a_tier_clears_its_rows(self):
        """The tier table's rows go with their partner (foreign keys, ondelete
        cascade); deleting a tier removes the rows of the customers classified
        in it, locked or not: they have no tier until classified again."""
        gone = self.env["res.partner"].create({"name": "Closed Shop"})
        (gone | self.walk_in).write({"incentive_tier_id": self.small.id})
        self.small_buyer.write(
            {"incentive_tier_id": self.medium.id, "incentive_tier_locked": True}
        )
        self.customer.incentive_tier_id = self.medium
        gone.unlink()
        self.assertEqual(self._classification(gone), [])
        self.medium.unlink()
        self.assertEqual(
            self._classification(self.customer | self.small_buyer | self.walk_in),
            [(self.walk_in, self.small, False)],
        )
        self.assertFalse(self.customer.incentive_tier_id)
        self.assertFalse(self.small_buyer.incentive_tier_id)
        self.assertFalse(self.small_buyer.incentive_tier_locked)

    def test_search_partners_by_tier(self):
        partners = self.customer | self.small_buyer | self.walk_in
        self.customer.write(
            {"incentive_tier_id": self.big.id, "incentive_tier_locked": True}
        )
        self.small_buyer.incentive_tier_id = self.small
        Partner = self.env["res.partner"]

        def search(*domain):
            return Partner.search([("id", "in", partners.ids), *domain])

        self.assertEqual(search(("incentive_tier_id", "=", self.big.id)), self.customer)
        self.assertEqual(
            search(("incentive_tier_id", "in", (self.big | self.small).ids)),
            self.customer | self.small_buyer,
        )
        self.assertEqual(
            search(("incentive_tier_id", "!=", self.big.id)),
            self.small_buyer | self.walk_in,
        )
        self.assertEqual(search(("incentive_tier_id", "=", False)), self.walk_in)
        self.assertEqual(
            search(("incentive_tier_id", "!=", False)), self.customer | self.small_buyer
        )
        self.assertEqual(
            search(("incentive_tier_id", "ilike", "Smal")), self.small_buyer
        )
        self.assertEqual(search(("incentive_tier_id.code", "=", "big")), self.customer)
        self.assertEqual(search(("incentive_tier_locked", "=", True)), self.customer)
        self.assertEqual(
            search(("incentive_tier_locked", "=", False)),
            self.small_buyer | self.walk_in,
        )
        # the tier list's button: the tier's customers
        action = self.big.action_view_partners()
        self.assertEqual(Partner.search(action["domain"]), self.customer)

    def test_old_partner_columns_are_moved_once(self):
        """A database installed before the tier table: its update (the
        18.0.1.1.0 post-migration) moves the tiers and locks of the jsonb
        columns of res_partner into it, the columns go."""
        migrate = load_migration("18.0.1.1.0", "post").migrate
        company = self.env.company
        other = self.setup_other_company(name="Company B")["company"]
        b_tier = (
            self.env["sale.incentive.customer.tier"]
            .with_company(other)
            .create({"name": "B", "code": "b", "company_id": other.id})
        )
        cr = self.env.cr
        cr.execute(
            "ALTER TABLE res_partner ADD COLUMN incentive_tier_id jsonb, "
            "ADD COLUMN incentive_tier_locked jsonb"
        )
        cr.execute(
            SQL(
                """UPDATE res_partner SET
                       incentive_tier_id = CASE id
                           WHEN %(customer)s THEN jsonb_build_object(
                               %(a)s, %(big)s, %(b)s, %(b_tier)s)
                           WHEN %(buyer)s THEN jsonb_build_object(%(a)s, %(small)s)
                       END,
                       incentive_tier_locked = CASE id
                           WHEN %(customer)s THEN jsonb_build_object(%(a)s, true)
                           WHEN %(contact)s THEN jsonb_build_object(%(b)s, true)
                       END
                 WHERE id IN (%(customer)s, %(buyer)s, %(contact)s)""",
                customer=self.customer.id,
                buyer=self.small_buyer.id,
                contact=self.walk_in.id,
                a=str(company.id),
                b=str(other.id),
                big=self.big.id,
                small=self.small.id,
                b_tier=b_tier.id,
            )
        )
        Rows = self.env["sale.incentive.partner.tier"]
        migrate(self.env.cr, "18.0.1.0.0")
        rows = Rows.search(
            [
                (
                    "partner_id",
                    "in",
                    (self.customer | self.small_buyer | self.walk_in).ids,
                )
            ]
        )
        empty = self.env["sale.incentive.customer.tier"]
        self.assertEqual(
            sorted(
                (r.company_id.id, r.partner_id.id, r.tier_id.id, r.locked) for r in rows
            ),
            sorted(
                [
                    (company.id, self.customer.id, self.big.id, True),
                    (other.id, self.customer.id, b_tier.id, False),
                    (company.id, self.small_buyer.id, self.small.id, False),
                    (other.id, self.walk_in.id, empty.id, True),
                ]
            ),
        )
        self.assertEqual(self.customer.incentive_tier_id, self.big)
        self.assertTrue(self.customer.incentive_tier_locked)
        # the columns are gone: a second upgrade does nothing
        cr.execute(
            """SELECT column_name FROM information_schema.columns
                WHERE table_name = 'res_partner'
                  AND column_name LIKE 'incentive_tier%%'"""
        )
        self.assertEqual(cr.fetchall(), [])
        migrate(self.env.cr, "18.0.1.0.0")
        self.assertEqual(len(Rows.search([("id", "in", rows.ids)])), 4)

    def test_bad_thresholds(self):
        Tier = self.env["sale.incentive.customer.tier"]
        with (
            self.assertRaisesRegex(ValidationError, "overlapping"),
            self.env.cr.savepoint(),
        ):
            Tier.create(
                {
                    "name": "Huge",
                    "code": "huge",
                    "min_amount": 3_000_000,
                    "max_amount": 10_000_000,
                }
            )
        with (
            self.assertRaisesRegex(ValidationError, "upper threshold"),
            self.env.cr.savepoint(),
        ):
            self.medium.write({"min_amount": 900_000, "max_amount": 800_000})

    def test_new_customer_settings(self):
        settings = self.env["res.config.settings"].create(
            {
                "incentive_new_customer_mode": "date",
                "incentive_new_customer_date": "2026-06-01",
            }
        )
        settings.execute()
        self.assertEqual(self.env.company.incentive_new_customer_mode, "date")
        line_model = self.env["sale.incentive.source"]
        self.customer.incentive_first_sale_date = date(2026, 5, 31)
        self.assertFalse(line_model._is_new_customer(self.customer, date(2026, 7, 1)))
        self.customer.incentive_first_sale_date = date(2026, 6, 1)
        self.assertTrue(line_model._is_new_customer(self.customer, date(2026, 7, 1)))

    def test_access(self):
        Tier = self.env["sale.incentive.customer.tier"]
        self.assertEqual(
            Tier.with_user(self.rep).search([("code", "=", "big")]), self.big
        )
        with self.assertRaises(AccessError):
            Tier.with_user(self.manager).create({"name": "X", "code": "x"})
        with self.assertRaises(AccessError):
            self.big.with_user(self.rep).write({"min_amount": 1.0})


@tagged("post_install", "-at_install")
class TestPartnerTierExtension(IncentiveCase):
    """The recomputation writes the tier table through ``create`` and
    ``write``: a module extending sale.incentive.partner.tier with a field
    default and ``create``/``write`` overrides sees every row it writes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        extend_registry(cls, "partner_tier_extension", "SaleIncentivePartnerTier")
        Tier = cls.env["sale.incentive.customer.tier"]
        cls.medium = Tier.create(
            {"name": "Medium", "code": "medium", "min_amount": 850_000}
        )
        cls.small = Tier.create(
            {"name": "Small", "code": "small", "max_amount": 850_000}
        )

    def test_recompute_goes_through_create_and_write(self):
        self._invoice(self._order([(self.product, 900, 1000.0)]), date="2026-03-15")
        Tiers = self.env["sale.incentive.customer.tier"]
        self.assertEqual(Tiers._recompute_partner_tiers(self.env.company), 1)
        row = self.env["sale.incentive.partner.tier"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(row.tier_id, self.medium)
        self.assertEqual(row.extension_note, "seen by the extension")
        self.assertTrue(row.extension_created)
        self.assertFalse(row.extension_moved)
        # the sales leave the window: the row moves to the tier of 0
        self.assertEqual(
            Tiers._recompute_partner_tiers(self.env.company, date(2027, 6, 1)), 1
        )
        self.assertEqual(row.tier_id, self.small)
        self.assertTrue(row.extension_moved)
