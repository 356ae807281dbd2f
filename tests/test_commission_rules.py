# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import Command
from odoo.tests import tagged

from .common import IncentiveCase

TABLE_QUARTER = [  # seed 002 §3.1, in yuan
    (0, 500_000, 2.0),
    (500_000, 1_000_000, 3.0),
    (1_000_000, 2_000_000, 4.0),
    (2_000_000, 3_000_000, 5.0),
    (3_000_000, 0, 6.0),
]
TABLE_KEY_ACCOUNT = [  # seed 002 大客户人员业绩提成, upper bound included
    (0, 900_000, 1.5),
    (900_000, 1_500_000, 2.0),
    (1_500_000, 2_000_000, 2.5),
    (2_000_000, 2_600_000, 3.0),
    (2_600_000, 0, 3.5),
]
TABLE_SERVICE = [  # seed 002 客服销售提成, lower bound included, monthly
    (0, 100_000, 0.0),
    (100_000, 200_000, 1.5),
    (200_000, 300_000, 3.0),
    (300_000, 400_000, 4.0),
    (400_000, 500_000, 5.0),
    (500_000, 0, 6.0),
]


def brackets(table):
    return [
        Command.create({"amount_from": low, "amount_to": high, "rate": rate})
        for low, high, rate in table
    ]


@tagged("post_install", "-at_install")
class TestCommissionRules(IncentiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cars = cls.env["product.category"].create({"name": "Cars"})
        cls.sedan = cls._product("Sedan", 150_000.0, categ=cls.cars)
        cls.stock_car = cls._product("Stock sedan", 130_000.0, categ=cls.cars)

    @classmethod
    def _product(cls, name, price, categ=None, cost=0.0, guide=0.0):
        return cls.env["product.product"].create(
            {
                "name": name,
                "type": "consu",
                "list_price": price,
                "standard_price": cost,
                "incentive_guide_price": guide,
                "invoice_policy": "order",
                "categ_id": (categ or cls.env.ref("product.product_category_all")).id,
                "taxes_id": [Command.clear()],
            }
        )

    def _earned(self, invoice):
        return self._lines(move_id=invoice.id)

    # -- seed 002 销售阶梯式提成方案: cars -----------------------------------
    def _car_plan(self):
        return self._make_plan(
            base="quantity",
            rule={
                "name": "Per car",
                "categ_ids": [Command.set(self.cars.ids)],
                "compute_type": "fixed_unit",
                "fixed_amount": 550.0,
            },
            rule_ids=[
                Command.create(
                    {
                        "name": "Per car",
                        "categ_ids": [Command.set(self.cars.ids)],
                        "compute_type": "fixed_unit",
                        "fixed_amount": 550.0,
                    }
                ),
                Command.create(
                    {
                        "name": "Stock car",
                        "rule_kind": "addition",
                        "product_ids": [Command.set(self.stock_car.ids)],
                        "compute_type": "fixed_unit",
                        "fixed_amount": 200.0,
                    }
                ),
                Command.create(
                    {
                        "name": "2+ cars",
                        "rule_kind": "addition",
                        "categ_ids": [Command.set(self.cars.ids)],
                        "min_order_quantity": 2,
                        "compute_type": "commission_pct",
                        "rate": 50.0,
                    }
                ),
                Command.create(
                    {
                        "name": "Above list",
                        "rule_kind": "addition",
                        "categ_ids": [Command.set(self.cars.ids)],
                        "compute_type": "above_list",
                        "rate": 50.0,
                    }
                ),
            ],
        )

    def test_car_550_per_unit(self):
        self._car_plan()
        invoice = self._invoice(self._order([(self.sedan, 1, 150_000.0)]))
        self.assertMoney(self._earned(invoice).amount, 550.0)

    def test_stock_car_adds_200(self):
        self._car_plan()
        invoice = self._invoice(self._order([(self.stock_car, 1, 130_000.0)]))
        line = self._earned(invoice)
        self.assertMoney(line.amount, 750.0)
        self.assertIn("Stock car", line.explanation)

    def test_two_cars_in_one_order_add_half(self):
        self._car_plan()
        invoice = self._invoice(self._order([(self.sedan, 2, 150_000.0)]))
        self.assertMoney(self._earned(invoice).amount, 1650.0)  # 2×550 ×1.5

    def test_half_of_price_above_list(self):
        self._car_plan()
        invoice = self._invoice(self._order([(self.sedan, 1, 152_000.0)]))
        self.assertMoney(self._earned(invoice).amount, 1550.0)  # 550 + 50% × 2,000

    # -- seed 002 自开发客户: fixed per product --------------------------------
    def test_self_developed_products_fixed_each(self):
        center = self._product("营销中心", 100_000.0)
        ally = self._product("联盟商", 20_000.0)
        premium = self._product("尊享版", 5_000.0)
        rules = [
            Command.create(
                {
                    "name": product.name,
                    "sequence": seq,
                    "product_ids": [Command.set(product.ids)],
                    "compute_type": "fixed_unit",
                    "fixed_amount": amount,
                }
            )
            for seq, (product, amount) in enumerate(
                [(center, 12_000.0), (ally, 1_500.0), (premium, 500.0)]
            )
        ]
        self._make_plan(base="quantity", rule_ids=rules, rule={"name": "none"})
        self.env["sale.incentive.rule"].search([("name", "=", "none")]).unlink()
        order = self._order(
            [(center, 1, 100_000.0), (ally, 1, 20_000.0), (premium, 2, 5_000.0)]
        )
        invoice = self._invoice(order)
        lines = self._earned(invoice)
        self.assertEqual(sorted(lines.mapped("amount")), [1_000.0, 1_500.0, 12_000.0])
        self.assertMoney(sum(lines.mapped("amount")), 14_500.0)

    def test_fixed_amount_per_order_shared_by_lines(self):
        self._make_plan(
            rule={
                "name": "Per order",
                "compute_type": "fixed_order",
                "fixed_amount": 300.0,
            }
        )
        order = self._order([(self.product, 2, 1000.0), (self.product, 1, 1000.0)])
        lines = self._earned(self._invoice(order))
        self.assertEqual(sorted(lines.mapped("amount")), [100.0, 200.0])

    # -- bracket tables ------------------------------------------------------
    def test_order_whole_amount_brackets(self):
        """0–50万 2% … per order, whole amount: 1,200,000 → 48,000; 800,000 → 24,000."""
        self._make_plan(
            rule={
                "name": "Quarter table",
                "compute_type": "bracket",
                "bracket_basis": "order",
                "bracket_mode": "whole",
                "bracket_ids": brackets(TABLE_QUARTER),
            }
        )
        big = self._order([(self.product, 700, 1000.0), (self.product, 500, 1000.0)])
        small = self._order([(self.product, 800, 1000.0)])
        big_lines = self._earned(self._invoice(big))
        small_lines = self._earned(self._invoice(small))
        self.assertEqual(sorted(big_lines.mapped("amount")), [20_000.0, 28_000.0])
        self.assertMoney(sum(big_lines.mapped("amount")), 48_000.0)
        self.assertMoney(small_lines.amount, 24_000.0)
        self.assertEqual(big_lines.bracket_id.rate, 4.0)

    def test_period_marginal_brackets(self):
        """Same table, quarter cumulative, marginal: 2,000,000 → 65,000."""
        plan = self._make_plan(
            period="quarter",
            rule={
                "name": "Quarter table",
                "compute_type": "bracket",
                "bracket_basis": "period",
                "bracket_mode": "marginal",
                "bracket_ids": brackets(TABLE_QUARTER),
            },
        )
        order_1 = self._order([(self.product, 1200, 1000.0)])
        order_2 = self._order([(self.product, 800, 1000.0)])
        lines = self._earned(self._invoice(order_1, date="2026-01-20"))
        lines |= self._earned(self._invoice(order_2, date="2026-03-05"))
        # each line carries its increment of the quarter's table: 1,200,000
        # → 33,000; the quarter reaches 2,000,000 → 65,000, +32,000
        self.assertEqual(lines.mapped("amount"), [33_000.0, 32_000.0])
        self.assertIn("2,000,000.00", lines[1].explanation)
        settlement = self.env["sale.incentive.settlement"].search(
            self.env["sale.incentive.settle.wizard"]
            .create(
                {
                    "period": "quarter",
                    "date": "2026-03-31",
                    "plan_ids": [Command.set(plan.ids)],
                }
            )
            .action_settle()["domain"]
        )
        # the lines pay the table: no separate table component
        self.assertFalse(
            settlement.line_ids.filtered(lambda c: c.component == "bracket")
        )
        commission = settlement.line_ids.filtered(lambda c: c.component == "commission")
        self.assertMoney(commission.amount, 65_000.0)
        self.assertMoney(commission.base_amount, 2_000_000.0)
        self.assertMoney(settlement.amount_total, 65_000.0)

    def test_period_forecast_what_closing_adds(self):
        """Forecast of a period table: the increase of the period result."""
        self._make_plan(
            period="month",
            rule={
                "name": "Service ladder",
                "compute_type": "bracket",
                "bracket_basis": "period",
                "bracket_mode": "whole",
                "bracket_boundary": "lower",
                "bracket_ids": brackets(TABLE_SERVICE),
            },
        )
        today = self.env["sale.order"].new({}).date_order.date()
        self._invoice(self._order([(self.product, 250, 1000.0)]), date=today)
        # 250,000 earned (3% → 7,500); closing 100,000 more reaches 350,000 (4%)
        order = self._order([(self.product, 100, 1000.0)])
        self.assertMoney(order.incentive_amount, 14_000.0 - 7_500.0)

    def test_key_account_upper_bound_included(self):
        self._make_plan(
            rule={
                "name": "Key account table",
                "compute_type": "bracket",
                "bracket_basis": "order",
                "bracket_boundary": "upper",
                "bracket_ids": brackets(TABLE_KEY_ACCOUNT),
            }
        )
        at_bound = self._invoice(self._order([(self.product, 1500, 1000.0)]))
        above = self._invoice(self._order([(self.product, 1, 1_500_000.01)]))
        self.assertMoney(self._earned(at_bound).amount, 30_000.0)
        self.assertMoney(self._earned(above).amount, 37_500.0)

    # -- formula, guide price, margin -----------------------------------------
    def test_formula_rule(self):
        self._make_plan(
            rule={
                "name": "Formula",
                "compute_type": "formula",
                "formula": "base * (0.03 if is_new_customer else 0.02) + 10 * quantity",
            }
        )
        # the customer's first invoice makes it new: 3% + 10 per unit
        invoice = self._invoice(self._order([(self.product, 10, 1000.0)]))
        self.assertMoney(self._earned(invoice).amount, 400.0)

    def test_below_guide_price_reduced_and_flagged(self):
        product = self._product("Guided", 1000.0, guide=950.0)
        plan = self._make_plan(
            rule_ids=[
                Command.create(
                    {
                        "name": "Below guide",
                        "sequence": 1,
                        "price_condition": "below_guide",
                        "rate": 1.0,
                        "flag_review": True,
                    }
                ),
                Command.create({"name": "Standard", "sequence": 2, "rate": 3.0}),
            ]
        )
        self.assertEqual(len(plan.rule_ids), 2)
        low = self._earned(self._invoice(self._order([(product, 10, 900.0)])))
        normal = self._earned(self._invoice(self._order([(product, 10, 1000.0)])))
        self.assertMoney(low.amount, 90.0)
        self.assertTrue(low.needs_review)
        self.assertEqual(low.rule_id.name, "Below guide")
        self.assertMoney(normal.amount, 300.0)
        self.assertFalse(normal.needs_review)

    def test_margin_base(self):
        product = self._product("Costly", 1000.0, cost=600.0)
        self._make_plan(base="margin", rule={"name": "Margin", "rate": 10.0})
        line = self._earned(self._invoice(self._order([(product, 10, 1000.0)])))
        self.assertMoney(line.base_amount, 4000.0)
        self.assertMoney(line.amount, 400.0)

    def test_category_condition_includes_children(self):
        child = self.env["product.category"].create(
            {"name": "SUV", "parent_id": self.cars.id}
        )
        suv = self._product("SUV", 200_000.0, categ=child)
        self._make_plan(
            rule={
                "name": "Cars 1%",
                "categ_ids": [Command.set(self.cars.ids)],
                "rate": 1.0,
            }
        )
        suv_line = self._earned(self._invoice(self._order([(suv, 1, 200_000.0)])))
        other = self._invoice(self._order([(self.product, 1, 1000.0)]))
        self.assertMoney(suv_line.amount, 2000.0)
        self.assertFalse(self._earned(other))
