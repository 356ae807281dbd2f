# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import psycopg2

from odoo import Command
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import IncentiveCase


@tagged("post_install", "-at_install")
class TestLineKeys(IncentiveCase):
    """Every many2one of a commission line has its foreign key: what a line
    refers to cannot be deleted under it (restrict), goes with it (cascade)
    or is emptied on it (set null), as the field declares; merging partners
    repoints the lines."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=3.0)

    def _posted_line(self, **order_values):
        order = self._order([(self.product, 10, 1000.0)], **order_values)
        invoice = self._invoice(order)
        line = self._lines(move_id=invoice.id)
        self.assertEqual(len(line), 1)
        return line

    def assertLineKeyRefuses(self, records):
        """Deleting ``records`` is refused by a key of the line table."""
        with (
            self.assertRaises(psycopg2.errors.ForeignKeyViolation) as caught,
            mute_logger("odoo.sql_db"),
        ):
            records.unlink()
        self.assertEqual(caught.exception.diag.table_name, "sale_incentive_line")
        self.assertTrue(records.exists())

    def test_deleted_team_and_poster_are_emptied_on_the_lines(self):
        """``ondelete='set null'`` columns: emptied when their target goes."""
        team = self.env["crm.team"].create(
            {"name": "Pop-up Store", "member_ids": [Command.set(self.rep.ids)]}
        )
        poster = self.env["res.users"].create(
            {
                "name": "Temporary Accountant",
                "login": "temp_accountant",
                "groups_id": [
                    Command.set(
                        (
                            self.env.ref("account.group_account_invoice")
                            + self.env.ref("sales_team.group_sale_salesman_all_leads")
                        ).ids
                    )
                ],
            }
        )
        order = self._order([(self.product, 10, 1000.0)], team_id=team.id)
        invoice = self._invoice(order, post=False)
        invoice.with_user(poster).action_post()
        line = self._lines(move_id=invoice.id)
        self.assertEqual(line.team_id, team)
        self.assertEqual(line.create_uid, poster)
        team.unlink()
        poster.unlink()
        self.assertFalse(line.team_id)
        self.assertFalse(line.create_uid)
        self.assertFalse(line.write_uid)
        self.assertMoney(line.amount, 300.0)

    def test_what_lines_refer_to_cannot_be_deleted(self):
        """``ondelete='restrict'``: a beneficiary, a customer, a product or a
        plan that commission lines refer to stays (each only referred to by
        a line written through create(), as the engine writes them)."""
        agent = self._make_agent("Agent Zhao")
        customer = self.env["res.partner"].create({"name": "Walk-in Buyer"})
        product = self.env["product.product"].create({"name": "Spare Part"})
        plan = self._make_plan(activate=False, name="Draft Plan")
        self.env["sale.incentive.line"].sudo().create(
            {
                "company_id": self.env.company.id,
                "plan_id": plan.id,
                "kind": "invoice",
                "is_earned": True,
                "date": "2026-03-15",
                "partner_id": agent.id,
                "customer_id": customer.id,
                "product_id": product.id,
                "base_amount": 1_000.0,
                "amount": 30.0,
            }
        )
        for records in (agent, customer, product, plan):
            self.assertLineKeyRefuses(records)

    def test_deleting_an_invoice_line_deletes_its_commission_lines(self):
        """``ondelete='cascade'``: a commission line goes with its invoice
        line (here an invoice line deleted in the database: the ORM refuses
        to delete a posted one)."""
        line = self._posted_line()
        self.env.flush_all()
        self.env.cr.execute(
            "DELETE FROM account_move_line WHERE id = %s", line.move_line_id.ids
        )
        self.env.invalidate_all()
        self.assertFalse(line.exists())

    def test_merged_customer_moves_its_lines(self):
        """The partner merge wizard repoints the lines' customer (and
        beneficiary) columns as it repoints foreign keys."""
        line = self._posted_line()
        customer = line.customer_id
        twin = self.env["res.partner"].create({"name": "Big Buyer Limited"})
        wizard = self.env["base.partner.merge.automatic.wizard"].sudo().create({})
        wizard._merge([customer.id, twin.id], twin)
        self.assertFalse(customer.exists())
        line.invalidate_recordset()
        self.assertEqual(line.customer_id, twin)
        self.assertMoney(line.amount, 300.0)
