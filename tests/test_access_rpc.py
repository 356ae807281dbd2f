# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Guards over real JSON-RPC (issue #9).

Each call is sent to ``/web/dataset/call_kw`` as the logged-in user, once
with an empty context and once with every context key the module reads set
to true: all are refused with an access or validation error, and nothing
changes in the database.
"""

import json
import re
from pathlib import Path

from odoo import Command
from odoo.tests import HttpCase, tagged

from .test_settlement import SettlementCase

MODULE = Path(__file__).resolve().parent.parent
# the key that opened the settlement workflow before issue #9
HISTORICAL_KEYS = {"incentive_settlement_write"}
REFUSALS = {
    "odoo.exceptions.AccessError",
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
}


def module_context_keys():
    """Every context key the module's code reads or sets (tests excluded)."""
    keys = set(HISTORICAL_KEYS)
    patterns = (
        r"context\.get\(\s*[\"']([\w.]+)[\"']",
        r"context\[\s*[\"']([\w.]+)[\"']\s*\]",
        r"[\"']([\w.]+)[\"']\s+in\s+(?:self\.)?(?:env\.)?_?context\b",
    )
    for path in MODULE.rglob("*.py"):
        if "tests" in path.relative_to(MODULE).parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in patterns:
            keys.update(re.findall(pattern, text))
        for call in re.findall(r"with_context\(([^()]*)\)", text):
            keys.update(re.findall(r"(\w+)\s*=", call))
    return keys


@tagged("post_install", "-at_install")
class TestAccessRpc(SettlementCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls._make_plan(
            rate=10.0, users=cls.rep | cls.rep_b | cls.manager, name="All"
        )
        cls.accountant = cls._make_user(
            "accountant",
            [cls.env.ref("sale_incentive.group_sale_incentive_accountant")],
        )
        cls.sales_all = cls._make_user(
            "sales_all", [cls.env.ref("sales_team.group_sale_salesman_all_leads")]
        )
        cls.keys = module_context_keys()

    def setUp(self):
        super().setUp()
        # the rep's and the manager's own settlements, submitted
        self._sell(10_000.0)
        self._sell(20_000.0, user=self.manager)
        settlements = self._settle("2026-03-31")
        settlements.action_submit()
        self.rep_settlement = settlements.filtered(lambda s: s.user_id == self.rep)
        self.own_settlement = settlements.filtered(lambda s: s.user_id == self.manager)
        self.line = self._lines(kind="invoice", user_id=self.rep.id)
        # a rep's order split 50/50 with a colleague, and a colleague's order
        self.order = self._order(
            [(self.product, 1, 1_000.0)],
            incentive_share_ids=[
                Command.create({"user_id": self.rep.id, "share": 50.0}),
                Command.create({"user_id": self.rep_b.id, "share": 50.0}),
            ],
        )
        self.colleague_order = self._order(
            [(self.product, 1, 1_000.0)], user=self.rep_b
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _call(self, user, model, method, args, kwargs=None, context=None):
        """The JSON-RPC answer of ``model.method(*args)`` called by ``user``."""
        self.authenticate(user.login, user.login)
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "model": model,
                "method": method,
                "args": args,
                "kwargs": dict(kwargs or {}, context=context or {}),
            },
        }
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()
        return response.json()

    def _contexts(self):
        return {"empty": {}, "every key": dict.fromkeys(sorted(self.keys), True)}

    def _assert_refused(self, user, model, method, args, kwargs=None, state=None):
        """Refused with either context; ``state()`` unchanged."""
        before = state() if state else None
        for name, context in self._contexts().items():
            with self.subTest(user=user.login, method=method, context=name):
                answer = self._call(user, model, method, args, kwargs, context)
                self.assertIn("error", answer, f"{model}.{method} was accepted")
                self.assertIn(answer["error"]["data"]["name"], REFUSALS)
                if state:
                    self.assertEqual(state(), before)

    def _settlement_state(self, settlement):
        return lambda: (
            settlement.workflow_state,
            settlement.state,
            settlement.approved_by_id,
            settlement.move_id,
            settlement.amount_total,
            [(c.component, c.amount) for c in settlement.line_ids],
        )

    def _line_state(self):
        lines = self.env["sale.incentive.line"].search([])
        return lambda: (
            [
                (
                    line.id,
                    line.user_id,
                    line.partner_id,
                    line.amount,
                    line.settlement_id,
                )
                for line in lines.exists()
            ]
            + [self.env["sale.incentive.line"].search_count([])]
        )

    def _split_state(self, *orders):
        return lambda: [
            sorted(
                (s.user_id.id, s.partner_id.id, s.share) for s in o.incentive_share_ids
            )
            for o in orders
        ]

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------
    def test_context_keys_cover_the_module(self):
        self.assertIn("incentive_skip_forecast", self.keys)
        self.assertIn("incentive_settlement_write", self.keys)

    def test_channel_accepts_allowed_calls(self):
        """The same channel works for who is allowed (the refusals below are
        refusals, not broken calls)."""
        answer = self._call(
            self.manager,
            "sale.incentive.settlement",
            "action_approve",
            [self.rep_settlement.ids],
        )
        self.assertNotIn("error", answer)
        self.assertEqual(self.rep_settlement.state, "approved")
        answer = self._call(
            self.incentive_admin,
            "sale.order",
            "write",
            [
                self.order.ids,
                {
                    "incentive_share_ids": [
                        [Command.UPDATE, share.id, {"share": 25.0 if index else 75.0}]
                        for index, share in enumerate(self.order.incentive_share_ids)
                    ]
                },
            ],
        )
        self.assertNotIn("error", answer)
        self.assertEqual(
            sorted(self.order.incentive_share_ids.mapped("share")), [25.0, 75.0]
        )

    def test_settlement_workflow_writes_are_refused(self):
        own = self._settlement_state(self.own_settlement)
        rep = self._settlement_state(self.rep_settlement)
        Settlement = "sale.incentive.settlement"
        manager, rep_user = self.manager, self.rep
        # the manager approves his own settlement: by writing it, by the action
        for vals in (
            {"workflow_state": "approved", "approved_by_id": manager.id},
            {"workflow_state": "posted"},
            {"line_ids": [[0, 0, {"component": "award", "name": "Me", "amount": 1e6}]]},
        ):
            self._assert_refused(
                manager, Settlement, "write", [self.own_settlement.ids, vals], state=own
            )
        self._assert_refused(
            manager, Settlement, "action_approve", [self.own_settlement.ids], state=own
        )
        # the rep on their own settlement
        self._assert_refused(
            rep_user,
            Settlement,
            "write",
            [self.rep_settlement.ids, {"workflow_state": "approved"}],
            state=rep,
        )
        for method in ("action_approve", "action_reset_draft", "action_cancel"):
            self._assert_refused(
                rep_user, Settlement, method, [self.rep_settlement.ids], state=rep
            )
        # the accountant skips the approval
        self._assert_refused(
            self.accountant,
            Settlement,
            "write",
            [self.rep_settlement.ids, {"workflow_state": "validated"}],
            state=rep,
        )
        self._assert_refused(
            self.accountant, Settlement, "action_post", [self.rep_settlement.ids]
        )
        self.assertEqual(self.rep_settlement.state, "submitted")
        self.assertEqual(self.own_settlement.state, "submitted")

    def test_commission_line_writes_are_refused(self):
        state = self._line_state()
        Line = "sale.incentive.line"
        line = self.line
        for user in (self.rep, self.manager, self.accountant, self.incentive_admin):
            self._assert_refused(
                user,
                Line,
                "write",
                [line.ids, {"amount": 1e6, "user_id": user.id}],
                state=state,
            )
            self._assert_refused(user, Line, "unlink", [line.ids], state=state)
            self._assert_refused(
                user,
                Line,
                "create",
                [
                    {
                        "company_id": self.env.company.id,
                        "plan_id": self.plan.id,
                        "kind": "invoice",
                        "date": "2026-03-01",
                        "user_id": user.id,
                        "partner_id": user.partner_id.id,
                        "amount": 1e6,
                    }
                ],
                state=state,
            )
        # not through the invoice either
        self._assert_refused(
            self.incentive_admin,
            "account.move",
            "write",
            [line.move_id.ids, {"incentive_line_ids": [[1, line.id, {"amount": 1e6}]]}],
            state=state,
        )

    def test_split_writes_are_refused(self):
        state = self._split_state(self.order, self.colleague_order)
        Share, Order = "sale.incentive.share", "sale.order"
        rep_share = self.order.incentive_share_ids.filtered(
            lambda s: s.user_id == self.rep
        )
        colleague_share = self.order.incentive_share_ids - rep_share
        # the rep takes a colleague's order, or all of their own
        self._assert_refused(
            self.rep,
            Share,
            "create",
            [
                {
                    "order_id": self.colleague_order.id,
                    "user_id": self.rep.id,
                    "share": 100,
                }
            ],
            state=state,
        )
        self._assert_refused(
            self.rep,
            Order,
            "write",
            [
                self.order.ids,
                {
                    "incentive_share_ids": [
                        [Command.UPDATE, rep_share.id, {"share": 100.0}],
                        [Command.DELETE, colleague_share.id, 0],
                    ]
                },
            ],
            state=state,
        )
        self._assert_refused(
            self.rep, Share, "write", [rep_share.ids, {"share": 100.0}], state=state
        )
        self._assert_refused(
            self.rep, Share, "unlink", [colleague_share.ids], state=state
        )
        # a sales user who edits every order has no say on splits
        self._assert_refused(
            self.sales_all,
            Order,
            "write",
            [
                self.colleague_order.ids,
                {
                    "incentive_share_ids": [
                        [
                            Command.CREATE,
                            0,
                            {"user_id": self.sales_all.id, "share": 100},
                        ]
                    ]
                },
            ],
            state=state,
        )
        # the manager does not credit himself, nor break the 100 %
        self._assert_refused(
            self.manager,
            Order,
            "write",
            [
                self.colleague_order.ids,
                {
                    "incentive_share_ids": [
                        [Command.CREATE, 0, {"user_id": self.manager.id, "share": 100}]
                    ]
                },
            ],
            state=state,
        )
        self._assert_refused(
            self.manager, Share, "write", [rep_share.ids, {"share": 70.0}], state=state
        )
        self._assert_refused(
            self.manager,
            Share,
            "create",
            [{"order_id": self.order.id, "user_id": self.rep_c.id, "share": 10.0}],
            state=state,
        )
        # nor does the attribution open a way in
        self._assert_refused(
            self.rep,
            Order,
            "write",
            [self.order.ids, {"incentive_attribution": "resolved"}],
        )

    def test_statement_acknowledge_and_dispute_are_the_beneficiary_s(self):
        """Over JSON-RPC, only the beneficiary acknowledges or disputes an
        approved statement, with or without the module's context keys."""
        self.rep_settlement.with_user(self.manager).action_approve()
        line = self.rep_settlement.line_ids[:1]

        def state():
            return (
                self.rep_settlement.acknowledged_by_id.id,
                line.dispute_state,
                len(self.rep_settlement.activity_ids),
            )

        Settlement = "sale.incentive.settlement"
        for user in (self.manager, self.rep_b, self.accountant):
            self._assert_refused(
                user,
                Settlement,
                "action_acknowledge",
                [self.rep_settlement.ids],
                state=state,
            )
            self._assert_refused(
                user,
                "sale.incentive.settlement.line",
                "action_dispute",
                [line.ids],
                state=state,
            )
        answer = self._call(
            self.rep, Settlement, "action_acknowledge", [self.rep_settlement.ids]
        )
        self.assertNotIn("error", answer)
        self.assertEqual(self.rep_settlement.acknowledged_by_id, self.rep)
