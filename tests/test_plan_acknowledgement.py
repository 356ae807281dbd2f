# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Plans reps acknowledge (issue 22.3): each beneficiary receives the plan
version in force as a document in their language, accepts it in the backend
or the portal; settlements of a plan not accepted say so, and a company may
refuse to post them."""

import re

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .test_settlement import SettlementCase

ACK = "sale.incentive.plan.acknowledgement"
ACTIVITY = "sale_incentive.mail_activity_plan_acknowledge"
REPORT = "sale_incentive.action_report_plan_acknowledgement"


class AcknowledgementCase(SettlementCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Ack = cls.env[ACK]
        # 5 % of sales, a target of 10,000 a month, 20 % held
        cls.plan = cls._make_plan(
            rate=5.0,
            users=cls.rep | cls.rep_b,
            date_from="2026-01-01",
            target_amount=10_000.0,
            holdback_percent=20.0,
        )

    def _ack(self, partner, plan=None):
        return self.Ack.search(
            [("plan_id", "=", (plan or self.plan).id), ("partner_id", "=", partner.id)]
        )


@tagged("post_install", "-at_install")
class TestPlanAcknowledgement(AcknowledgementCase):
    def test_activation_asks_each_beneficiary_once(self):
        acks = self.Ack.search([("plan_id", "=", self.plan.id)])
        self.assertEqual(acks.partner_id, (self.rep | self.rep_b).partner_id)
        self.assertEqual(set(acks.mapped("state")), {"pending"})
        ack = self._ack(self.rep.partner_id)
        self.assertEqual(ack.user_id, self.rep)
        self.assertEqual(ack.lang, self.rep.lang)
        # the rep's to-do
        activity = ack.activity_ids
        self.assertEqual(activity.user_id, self.rep)
        self.assertEqual(activity.activity_type_id, self.env.ref(ACTIVITY))
        # asking again asks nobody twice
        self.assertFalse(self.Ack._request(self.plan))
        self.assertEqual(self.Ack.search_count([("plan_id", "=", self.plan.id)]), 2)
        self.assertEqual(self.plan.acknowledgement_pending_count, 2)
        # a team's members are asked; an agent (no user) too
        agent = self._make_agent("Agent Zhou")
        team_plan = self._make_plan(
            name="Team plan",
            user_ids=[Command.clear()],
            team_ids=[Command.set(self.other_team.ids)],
            agent_ids=[Command.set(agent.ids)],
        )
        team_acks = self.Ack.search([("plan_id", "=", team_plan.id)])
        self.assertEqual(team_acks.partner_id, self.rep_c.partner_id | agent)
        self.assertFalse(team_acks.filtered(lambda a: a.partner_id == agent).user_id)
        # a beneficiary added to the plan in force is asked too
        self.plan.user_ids = [Command.link(self.rep_c.id)]
        self.assertEqual(self._ack(self.rep_c.partner_id).state, "pending")
        # a draft asks nobody
        draft = self._make_plan(name="Draft", activate=False)
        self.assertFalse(self.Ack.search([("plan_id", "=", draft.id)]))

    def test_rep_accepts_their_own_and_only_their_own(self):
        ack = self._ack(self.rep.partner_id)
        other = self._ack(self.rep_b.partner_id)
        # another rep's acknowledgement is out of reach, and the manager
        # who reads it cannot accept it for the rep
        with self.assertRaises(AccessError):
            other.with_user(self.rep).action_accept()
        with self.assertRaises(AccessError):
            ack.with_user(self.manager).action_accept()
        with self.assertRaises(AccessError):
            ack.with_user(self.rep).write({"state": "accepted"})
        self.assertEqual(ack.state, "pending")

        ack.with_user(self.rep).action_accept()
        self.assertRecordValues(
            ack,
            [
                {
                    "state": "accepted",
                    "accepted_by_id": self.rep.id,
                    "accepted_from": "backend",
                }
            ],
        )
        self.assertTrue(ack.accepted_on)
        self.assertFalse(ack.activity_ids)
        self.assertIn("accepted by Rep_A", ack.message_ids[:1].body)
        self.assertEqual(other.state, "pending")
        # accepted once, then final: nobody changes or deletes it
        with self.assertRaises(UserError):
            ack.with_user(self.rep).action_accept()
        with self.assertRaises(UserError):
            ack.sudo().write({"lang": "fr_FR"})
        with self.assertRaises(UserError):
            ack.sudo().unlink()

    def test_new_version_asks_again(self):
        ack = self._ack(self.rep.partner_id)
        ack.with_user(self.rep).action_accept()
        new = self._new_version(self.plan, "2026-04-01")
        self.assertFalse(self.Ack.search([("plan_id", "=", new.id)]))
        new.action_activate()
        again = self._ack(self.rep.partner_id, new)
        self.assertEqual(again.state, "pending")
        self.assertEqual(again.activity_ids.user_id, self.rep)
        # the first version's acceptance stays as history
        self.assertEqual(ack.state, "accepted")
        mine = self.Ack.with_user(self.rep).search([])
        self.assertEqual(mine, ack | again)

    def test_settlement_not_acknowledged_and_blocked_posting(self):
        self._sell(20_000.0, user=self.rep)
        self._sell(10_000.0, user=self.rep_b)
        settlements = self._settle("2026-03-31")
        mine = settlements.filtered(lambda s: s.user_id == self.rep)
        other = settlements - mine
        self.assertEqual(settlements.mapped("plan_acknowledged"), [False, False])
        # by default the warning only: posting pays
        self._close(other)
        self.assertEqual(other.state, "posted")
        # the company pays only acknowledged plans
        self.env.company.incentive_block_unacknowledged = True
        mine.action_submit()
        mine.action_approve()
        mine.action_validate()
        with self.assertRaisesRegex(UserError, "not acknowledged"):
            mine.action_post()
        self.assertEqual(mine.state, "validated")
        self.assertFalse(mine.move_id)
        self._ack(self.rep.partner_id).with_user(self.rep).action_accept()
        mine.invalidate_recordset(["plan_acknowledged"])
        self.assertTrue(mine.plan_acknowledged)
        mine.action_post()
        self.assertEqual(mine.state, "posted")
        # 5 % of 20,000 = 1,000, 20 % held: 800 payable
        self.assertMoney(mine.amount_payable, 800.0)
        self.assertMoney(self._balance(mine.move_id, self.payable_account), -800.0)

    def test_examples_are_what_a_settlement_pays(self):
        """The document's examples run the settlement pipeline: selling
        150 % of the target (15,000) pays what a real settlement pays."""
        ack = self._ack(self.rep.partner_id)
        examples = ack._get_document_examples()
        self.assertEqual([e["sales"] for e in examples], [5_000.0, 10_000.0, 15_000.0])
        high = examples[-1]
        self.assertMoney(high["commission"], 750.0)
        self.assertMoney(high["held"], 150.0)
        self.assertMoney(high["total"], 600.0)
        self._sell(15_000.0, user=self.rep)
        settlement = self._settle("2026-03-31")
        self.assertMoney(settlement.amount_payable, high["total"])
        self.assertMoney(settlement.amount_held, high["held"])

    def test_document_in_the_beneficiary_language(self):
        self._activate_zh_cn()
        self.rep_c.lang = "zh_CN"
        plan = self._make_plan(
            name="Channel plan",
            rate=5.0,
            users=self.rep_c,
            date_from="2026-01-01",
            target_amount=10_000.0,
            holdback_percent=20.0,
        )
        ack = self._ack(self.rep_c.partner_id, plan)
        self.assertEqual(ack.lang, "zh_CN")
        html = self.env["ir.actions.report"]._render_qweb_html(REPORT, ack.ids)[0]
        html = html.decode()
        # the settlement's own words, in Chinese: line commissions, holdback
        self.assertIn("明细提成", html)
        self.assertIn("暂扣", html)
        # the example at 150 % of the target: 750 earned, 600 paid
        self.assertIn("15,000.00", html)
        self.assertIn("600.00", html)
        # the English reader gets the English words
        ack_en = self._ack(self.rep.partner_id)
        html_en = self.env["ir.actions.report"]._render_qweb_html(REPORT, ack_en.ids)
        self.assertIn("Line commissions", html_en[0].decode())
        self.assertNotIn("明细提成", html_en[0].decode())


@tagged("post_install", "-at_install")
class TestPlanAcknowledgementPortal(AcknowledgementCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = cls._make_agent("Agent Li", login="agent_li")
        cls.other_agent = cls._make_agent("Agent Wang", login="agent_wang")
        cls.agent_plan = cls._make_plan(
            rate=5.0,
            name="Agents 2026",
            users=cls.env["res.users"],
            agent_ids=[Command.set((cls.agent + cls.other_agent).ids)],
        )

    def test_agent_reads_and_accepts_in_the_portal(self):
        ack = self._ack(self.agent, self.agent_plan)
        other = self._ack(self.other_agent, self.agent_plan)
        self.assertEqual(ack.state, "pending")
        self.assertIn(self.agent, ack.message_partner_ids)

        self.authenticate("agent_li", "agent_li")
        listing = self.url_open("/my/commission-plans")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("Agents 2026", listing.text)
        self.assertIn(f"/my/commission-plans/{ack.id}/accept", listing.text)
        self.assertNotIn(f"/my/commission-plans/{other.id}", listing.text)
        # the document, in the browser
        document = self.url_open(f"/my/commission-plans/{ack.id}?report_type=html")
        self.assertEqual(document.status_code, 200)
        self.assertIn("Commission Plan", document.text)
        # another agent's plan is not found, nor acceptable
        self.assertEqual(
            self.url_open(
                f"/my/commission-plans/{other.id}?report_type=html"
            ).status_code,
            404,
        )
        token = re.search(r'name="csrf_token" value="([^"]+)"', listing.text).group(1)
        refused = self.url_open(
            f"/my/commission-plans/{other.id}/accept", data={"csrf_token": token}
        )
        self.assertEqual(refused.status_code, 404)
        # without the CSRF token: refused
        forged = self.url_open(
            f"/my/commission-plans/{ack.id}/accept", data={"csrf_token": "forged"}
        )
        self.assertEqual(forged.status_code, 400)
        self.assertEqual(ack.state, "pending")

        accepted = self.url_open(
            f"/my/commission-plans/{ack.id}/accept", data={"csrf_token": token}
        )
        self.assertEqual(accepted.status_code, 200)
        self.assertIn("your acceptance is recorded", accepted.text)
        ack.invalidate_recordset()
        self.assertRecordValues(
            ack,
            [
                {
                    "state": "accepted",
                    "accepted_from": "portal",
                    "accepted_by_id": self.agent.user_ids.id,
                }
            ],
        )
        self.assertTrue(ack.accepted_ip)
        self.assertEqual(other.state, "pending")
