# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The remaining numeric examples of the seed documents, on the real flow."""

from odoo import Command
from odoo.tests import tagged

from .common import IncentiveCase


@tagged("post_install", "-at_install")
class TestSeedExamples(IncentiveCase):
    @classmethod
    def _service(cls, name, price, cost=0.0, categ=None):
        return cls.env["product.product"].create(
            {
                "name": name,
                "type": "service",
                "list_price": price,
                "standard_price": cost,
                "invoice_policy": "order",
                "categ_id": (categ or cls.env.ref("product.product_category_all")).id,
                "taxes_id": [Command.clear()],
            }
        )

    def test_fixed_rate_two_percent_of_ten_thousand(self):
        """大客户提成方案 3.1: 2% × USD 10,000 = USD 200."""
        self._make_plan(rule={"name": "固定提成比例", "rate": 2.0})
        invoice = self._invoice(self._order([(self.product, 10, 1000.0)]))
        self.assertEqual(self.env.company.currency_id.name, "USD")
        self.assertMoney(self._lines(move_id=invoice.id).amount, 200.0)

    def test_members_bonus_per_head_and_month(self):
        """客服中心 普通客户服务: 2 元/月 per 1-year member, 6 元/月 per
        3-month member; 当月累计人数 × 对应月奖金 = 25 × 2 + 10 × 6 = 110."""
        annual = self._service("1-year member (month)", 100.0)
        quarterly = self._service("3-month member (month)", 150.0)
        self._make_plan(
            base="quantity",
            rule_ids=[
                Command.create(
                    {
                        "name": "1-year member",
                        "product_ids": [Command.set(annual.ids)],
                        "compute_type": "fixed_unit",
                        "fixed_amount": 2.0,
                    }
                ),
                Command.create(
                    {
                        "name": "3-month member",
                        "product_ids": [Command.set(quarterly.ids)],
                        "compute_type": "fixed_unit",
                        "fixed_amount": 6.0,
                    }
                ),
            ],
        )
        order = self._order([(annual, 25, 100.0), (quarterly, 10, 150.0)])
        lines = self._lines(move_id=self._invoice(order).id)
        self.assertEqual(sorted(lines.mapped("amount")), [50.0, 60.0])
        self.assertMoney(sum(lines.mapped("amount")), 110.0)

    def test_own_routes_on_revenue_other_routes_on_margin(self):
        """物流 提成制度: own routes 4% of revenue; other routes 8% of the net
        profit — revenue 10,000 at a cost of 7,000 → 8% × 3,000 = 240."""
        own = self.env["product.category"].create({"name": "自营线路"})
        other = self.env["product.category"].create({"name": "线路外业务"})
        own_route = self._service("Own route", 10_000.0, categ=own)
        other_route = self._service(
            "Partner route", 10_000.0, cost=7_000.0, categ=other
        )
        self._make_plan(
            name="Own routes",
            rule={"name": "4%", "rate": 4.0, "categ_ids": [Command.set(own.ids)]},
        )
        self._make_plan(
            name="Other routes",
            base="margin",
            rule={"name": "8%", "rate": 8.0, "categ_ids": [Command.set(other.ids)]},
        )
        order = self._order([(own_route, 1, 10_000.0), (other_route, 1, 10_000.0)])
        lines = self._lines(move_id=self._invoice(order).id)
        by_plan = {line.plan_id.name: line for line in lines}
        self.assertMoney(by_plan["Own routes"].amount, 400.0)
        self.assertMoney(by_plan["Other routes"].base_amount, 3_000.0)
        self.assertMoney(by_plan["Other routes"].amount, 240.0)
        self.assertEqual(len(lines), 2)
