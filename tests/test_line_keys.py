# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models.sale_incentive_line import NO_FOREIGN_KEY
from .common import IncentiveCase


@tagged("post_install", "-at_install")
class TestLineKeys(IncentiveCase):
    """The columns every commission line sets have no foreign key (posting
    would check each, per line); deleting what they refer to does what the
    key did, and merging customers repoints them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(rate=3.0)

    def _foreign_key_columns(self):
        self.env.cr.execute(
            """SELECT a.attname
                 FROM pg_constraint c
                 JOIN pg_attribute a
                   ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
                WHERE c.conrelid = 'sale_incentive_line'::regclass
                  AND c.contype = 'f'"""
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _posted_line(self, **order_values):
        order = self._order([(self.product, 10, 1000.0)], **order_values)
        invoice = self._invoice(order)
        line = self._lines(move_id=invoice.id)
        self.assertEqual(len(line), 1)
        return line

    def test_posting_checks_no_key_on_the_columns_every_line_sets(self):
        line = self._posted_line()
        for name in NO_FOREIGN_KEY:
            self.assertTrue(line[name], name)
        self.assertEqual(
            self._foreign_key_columns(),
            {
                "order_id",
                "sale_line_id",
                "payment_move_id",
                "origin_line_id",
                "tier_id",
                "bracket_id",
            },
        )

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

    def test_beneficiary_and_company_with_lines_cannot_be_deleted(self):
        """``ondelete='restrict'`` columns: the deletion is refused."""
        line = self._posted_line()
        with self.assertRaisesRegex(UserError, "commission lines refer to them"):
            line.partner_id.unlink()
        with self.assertRaisesRegex(UserError, "commission lines refer to them"):
            line.company_id.sudo().unlink()
        self.assertTrue(line.partner_id.exists())

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
