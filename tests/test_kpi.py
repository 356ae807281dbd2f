# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.sale_incentive.engine import periods

from .common import IncentiveCase


@tagged("post_install", "-at_install")
class TestKpi(IncentiveCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.date_from, cls.date_to = periods.period_bounds(cls.today, "month")
        ref = cls.env.ref
        cls.kpi_revenue = ref("sale_incentive.kpi_revenue")
        cls.kpi_collection = ref("sale_incentive.kpi_collection_rate")
        cls.kpi_visits = ref("sale_incentive.kpi_visits")
        cls.kpi_complaints = ref("sale_incentive.kpi_complaints")
        cls.kpi_satisfaction = ref("sale_incentive.kpi_satisfaction")
        cls.visit_type = ref("sale_incentive.activity_type_customer_visit")
        cls.complaint_type = ref("sale_incentive.activity_type_customer_complaint")
        cls.other_customer = cls.env["res.partner"].create({"name": "Other Ltd"})

    def _scorecard_plan(self, lines, **values):
        return self._make_plan(
            users=self.rep | self.rep_b,
            scorecard_line_ids=[Command.create(vals) for vals in lines],
            **values,
        )

    def _activities(self, activity_type, count, user, partner=None, done=True):
        model = self.env["ir.model"]._get_id("res.partner")
        activities = self.env["mail.activity"]
        for index in range(count):
            activities += self.env["mail.activity"].create(
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": model,
                    "res_id": (partner or self.customer).id,
                    "user_id": user.id,
                    "date_deadline": self.today,
                    "summary": f"#{index}",
                }
            )
        if done:
            activities.action_feedback(feedback="Done")
        return activities

    def _value(self, kpi, user, value, approve=True):
        record = self.env["sale.incentive.kpi.value"].create(
            {
                "kpi_id": kpi.id,
                "user_id": user.id,
                "date_from": self.date_from,
                "value": value,
            }
        )
        if approve:
            record.action_approve()
        return record

    def test_seed_scorecard_from_real_data(self):
        """Revenue 900,000 / 1,000,000, collection 95 % / 100 %, 18 / 20
        visits, 2 complaints for at most 1; weights 40/20/20/20 → 0.83."""
        plan = self._scorecard_plan(
            [
                {"kpi_id": self.kpi_revenue.id, "weight": 40, "target": 1_000_000},
                {"kpi_id": self.kpi_collection.id, "weight": 20, "target": 100},
                {"kpi_id": self.kpi_visits.id, "weight": 20, "target": 20},
                {"kpi_id": self.kpi_complaints.id, "weight": 20, "target": 1},
            ]
        )
        invoice = self._invoice(
            self._order([(self.product, 900, 1000.0)]), date=self.today
        )
        self._pay(invoice, amount=855_000.0, date=self.today)
        self._activities(self.visit_type, 18, self.rep)
        self._activities(self.visit_type, 5, self.rep_b)  # someone else's
        self._activities(self.complaint_type, 2, self.rep, done=False)
        details, score = plan._get_kpi_details(self.rep, self.date_from, self.date_to)[
            self.rep
        ]
        self.assertEqual(
            [(line.kpi_id, actual, s) for line, actual, s in details],
            [
                (self.kpi_revenue, 900_000.0, 0.9),
                (self.kpi_collection, 95.0, 0.95),
                (self.kpi_visits, 18, 0.9),
                (self.kpi_complaints, 2, 0.5),
            ],
        )
        self.assertEqual(score, 0.83)
        self.assertEqual(
            plan._get_kpi_score(self.rep, self.date_from, self.date_to), 0.83
        )
        # no scorecard: no score
        self.assertIsNone(
            self._make_plan()._get_kpi_score(self.rep, self.date_from, self.date_to)
        )
        # measured values are stored (approved) for the rep to see
        values = self.env["sale.incentive.kpi.value"]._store_measured(
            plan.scorecard_line_ids.kpi_id, self.rep | self.rep_b, self.today, "month"
        )
        mine = values.with_user(self.rep).search([("id", "in", values.ids)])
        self.assertEqual(len(mine), 4)
        self.assertEqual(
            {v.kpi_id.code: v.value for v in mine},
            {
                "revenue": 900_000.0,
                "collection_rate": 95.0,
                "visits": 18.0,
                "complaints": 2.0,
            },
        )
        self.assertTrue(all(v.state == "approved" for v in mine))

    def test_cap_floor_and_approval(self):
        plan = self._scorecard_plan(
            [
                {
                    "kpi_id": self.kpi_revenue.id,
                    "weight": 50,
                    "target": 500_000,
                    "cap": 120,
                },
                {
                    "kpi_id": self.kpi_satisfaction.id,
                    "weight": 50,
                    "target": 90,
                    "floor": 80,
                    "cap": 110,
                },
            ]
        )
        self._invoice(self._order([(self.product, 900, 1000.0)]), date=self.today)
        self._invoice(
            self._order([(self.product, 400, 1000.0)], user=self.rep_b),
            date=self.today,
        )
        # revenue 900,000 / 500,000 = 180 % capped at 120 %; satisfaction
        # entered but not approved: it does not count yet
        value = self._value(self.kpi_satisfaction, self.rep, 90, approve=False)
        self.assertEqual(
            plan._get_kpi_score(self.rep, self.date_from, self.date_to), 0.6
        )
        with self.assertRaises(UserError):
            value.with_user(self.rep).action_approve()
        value.with_user(self.manager).action_approve()
        self.assertEqual(value.state, "approved")
        self.assertEqual(
            plan._get_kpi_score(self.rep, self.date_from, self.date_to), 1.1
        )
        with self.assertRaises(UserError):
            value.with_user(self.manager).value = 99
        # rep_b: 400,000 / 500,000 = 80 %; satisfaction 70 / 90 = 77.8 % is
        # below the 80 % floor and scores 0
        self._value(self.kpi_satisfaction, self.rep_b, 70)
        self.assertEqual(
            plan._get_kpi_score(self.rep_b, self.date_from, self.date_to), 0.4
        )

    def test_bad_scorecards(self):
        with (
            self.assertRaisesRegex(ValidationError, "add up to 100"),
            self.env.cr.savepoint(),
        ):
            self._scorecard_plan(
                [
                    {"kpi_id": self.kpi_revenue.id, "weight": 60, "target": 1},
                    {"kpi_id": self.kpi_visits.id, "weight": 30, "target": 1},
                ]
            )
        with self.assertRaisesRegex(ValidationError, "twice"), self.env.cr.savepoint():
            self._scorecard_plan(
                [
                    {"kpi_id": self.kpi_revenue.id, "weight": 50, "target": 1},
                    {"kpi_id": self.kpi_revenue.id, "weight": 50, "target": 1},
                ]
            )
        with (
            self.assertRaisesRegex(ValidationError, "floor cannot be above"),
            self.env.cr.savepoint(),
        ):
            self._scorecard_plan(
                [
                    {
                        "kpi_id": self.kpi_revenue.id,
                        "weight": 100,
                        "target": 1,
                        "floor": 130,
                        "cap": 120,
                    }
                ]
            )
        plan = self._scorecard_plan(
            [{"kpi_id": self.kpi_revenue.id, "weight": 100, "target": 1}]
        )
        with (
            self.assertRaisesRegex(ValidationError, "now 80%"),
            self.env.cr.savepoint(),
        ):
            plan.write(
                {
                    "scorecard_line_ids": [
                        Command.update(plan.scorecard_line_ids.id, {"weight": 80})
                    ]
                }
            )

    def test_process_and_customer_indicators(self):
        kpis = self.env["sale.incentive.kpi"].search(
            [("code", "in", ("visit_success", "new_customers", "repeat_rate"))]
        )
        # two visits; only the customer visited orders within 30 days
        prospect = self.env["res.partner"].create({"name": "Prospect"})
        self._activities(self.visit_type, 1, self.rep)
        self._activities(self.visit_type, 1, self.rep, partner=prospect)
        # the customer bought before this period, the other one is new
        self.customer.incentive_first_sale_date = self.date_from.replace(year=2020)
        self._invoice(self._order([(self.product, 1, 1000.0)]), date=self.today)
        self._invoice(
            self._order([(self.product, 1, 1000.0)], partner=self.other_customer),
            date=self.today,
        )
        self.other_customer.invalidate_recordset()
        self.assertEqual(self.other_customer.incentive_first_sale_date, self.today)
        measured = kpis._measure(self.rep, self.date_from, self.date_to)
        by_code = {kpi.code: values[self.rep] for kpi, values in measured.items()}
        self.assertEqual(
            by_code, {"visit_success": 50.0, "new_customers": 1, "repeat_rate": 50.0}
        )

    def test_access(self):
        value = self._value(self.kpi_satisfaction, self.rep, 80)
        self._value(self.kpi_satisfaction, self.rep_c, 80)
        Value = self.env["sale.incentive.kpi.value"]
        domain = [("kpi_id", "=", self.kpi_satisfaction.id)]
        self.assertEqual(Value.with_user(self.rep).search(domain), value)
        self.assertEqual(Value.with_user(self.manager).search(domain), value)
        with self.assertRaises(AccessError):
            Value.with_user(self.rep).create(
                {
                    "kpi_id": self.kpi_satisfaction.id,
                    "user_id": self.rep.id,
                    "date_from": self.date_from,
                    "value": 100,
                }
            )
        with self.assertRaises(AccessError):
            self.kpi_revenue.with_user(self.manager).direction = "lower"

    def test_measure_kpis_action(self):
        plan = self._scorecard_plan(
            [
                {"kpi_id": self.kpi_revenue.id, "weight": 50, "target": 1_000},
                {"kpi_id": self.kpi_satisfaction.id, "weight": 50, "target": 90},
            ]
        )
        self._invoice(self._order([(self.product, 2, 1000.0)]), date=self.today)
        action = (
            self.env.ref("sale_incentive.action_server_measure_kpis")
            .with_user(self.manager)
            .with_context(active_model=plan._name, active_ids=plan.ids)
            .run()
        )
        values = self.env["sale.incentive.kpi.value"].search(action["domain"])
        # only measured indicators, for both beneficiaries of the plan
        self.assertEqual(
            {(v.user_id, v.kpi_id, v.value, v.state) for v in values},
            {
                (self.rep, self.kpi_revenue, 2_000.0, "approved"),
                (self.rep_b, self.kpi_revenue, 0.0, "approved"),
            },
        )
        self.assertEqual(values.mapped("date_from"), [self.date_from] * 2)
        # measuring again updates the same records
        self._invoice(
            self._order([(self.product, 1, 1000.0)], user=self.rep_b), date=self.today
        )
        again = self.env["sale.incentive.kpi.value"]._measure_plans(plan)
        self.assertEqual(again, values)
        self.assertEqual(
            {(v.user_id, v.value) for v in values},
            {(self.rep, 2_000.0), (self.rep_b, 1_000.0)},
        )

    def test_scorecard_report(self):
        plan = self._scorecard_plan(
            [
                {"kpi_id": self.kpi_revenue.id, "weight": 60, "target": 4_000},
                {"kpi_id": self.kpi_satisfaction.id, "weight": 40, "target": 90},
            ]
        )
        self._invoice(self._order([(self.product, 3, 1000.0)]), date=self.today)
        self._value(self.kpi_satisfaction, self.rep_b, 90)
        # a rep sees their own scorecard only, whoever they pick
        report = (
            self.env["sale.incentive.scorecard.report"]
            .with_user(self.rep)
            .create({"plan_id": plan.id, "user_ids": [Command.set(self.rep_b.ids)]})
        )
        report.action_compute()
        self.assertEqual(
            [(r.user_id, r.kpi_id, r.actual, r.score) for r in report.line_ids],
            [
                (self.rep, self.kpi_revenue, 3_000.0, 75.0),
                (self.rep, self.kpi_satisfaction, 0.0, 0.0),
            ],
        )
        self.assertEqual(report.line_ids.mapped("total"), [45.0, 45.0])
        # the manager sees the plan's beneficiaries
        report = (
            self.env["sale.incentive.scorecard.report"]
            .with_user(self.manager)
            .create({"plan_id": plan.id, "user_ids": False})
        )
        report.action_compute()
        totals = {r.user_id: r.total for r in report.line_ids}
        self.assertEqual(totals, {self.rep: 45.0, self.rep_b: 40.0})
