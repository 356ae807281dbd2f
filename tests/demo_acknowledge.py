# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The demo's plan acknowledgements (issue 22.3), mixed into
``TestDemoCompany``."""

ACK = "sale.incentive.plan.acknowledgement"
MODULE = "sale_incentive"


class DemoAcknowledgeMixin:
    def test_demo_acknowledge_some_accepted_others_pending(self):
        """Every beneficiary of the demo plans was asked at activation; Lei
        Wang accepted Key Accounts from the backend and still has the cars
        plan to acknowledge; Xin Li has not accepted hers."""
        ref = self.env.ref
        Ack = self.env[ACK]
        acks = Ack.search([("plan_id", "in", self.plans.ids)])
        for plan in self.plans.filtered(lambda p: p.state == "active"):
            with self.subTest(plan=plan.name):
                asked = acks.filtered(lambda a, p=plan: a.plan_id == p).partner_id
                self.assertEqual(
                    asked, (plan.user_ids | plan.team_ids.member_ids).partner_id
                )
        lei = ref(f"{MODULE}.demo_user_rep")
        key_accounts = ref(f"{MODULE}.demo_plan_key_accounts")
        cars = ref(f"{MODULE}.demo_plan_cars")
        mine = acks.filtered(lambda a: a.partner_id == lei.partner_id)
        accepted = mine.filtered(lambda a: a.plan_id == key_accounts)
        self.assertRecordValues(
            accepted,
            [
                {
                    "state": "accepted",
                    "accepted_by_id": lei.id,
                    "accepted_from": "backend",
                }
            ],
        )
        pending = mine.filtered(lambda a: a.plan_id == cars)
        self.assertEqual(pending.state, "pending")
        self.assertEqual(pending.activity_ids.user_id, lei)
        xin = ref(f"{MODULE}.demo_user_rep_xin")
        self.assertEqual(
            set(
                acks.filtered(lambda a: a.partner_id == xin.partner_id).mapped("state")
            ),
            {"pending"},
        )
        # the rep sees their own, and only their own
        self.assertEqual(Ack.with_user(lei).search([]), mine)

    def test_demo_acknowledge_settlements_show_it(self):
        """Jun Zhao's Key Accounts settlements are of an accepted plan; Xin
        Li's are not."""
        ref = self.env.ref
        jun = ref(f"{MODULE}.demo_user_rep_jun")
        xin = ref(f"{MODULE}.demo_user_rep_xin")
        key_accounts = ref(f"{MODULE}.demo_plan_key_accounts")
        juns = self.settlements.filtered(
            lambda s: s.user_id == jun and s.plan_id == key_accounts
        )
        xins = self.settlements.filtered(lambda s: s.user_id == xin)
        self.assertTrue(juns)
        self.assertTrue(xins)
        self.assertTrue(all(juns.mapped("plan_acknowledged")))
        self.assertFalse(any(xins.mapped("plan_acknowledged")))
