"""Tests of the plan document's worked examples (no database needed)."""

from odoo.tests import BaseCase, tagged

from odoo.addons.sale_incentive.engine import acknowledgement, components


@tagged("post_install", "-at_install")
class TestEngineAcknowledgement(BaseCase):
    def test_levels_around_the_target(self):
        self.assertEqual(
            acknowledgement.example_levels(10_000.0), [5_000.0, 10_000.0, 15_000.0]
        )

    def test_levels_inside_a_table(self):
        # brackets from 0, 1,000,000 and 2,000,000: one example in each
        self.assertEqual(
            acknowledgement.example_levels(0.0, [0.0, 1_000_000.0, 2_000_000.0]),
            [500_000.0, 1_500_000.0, 3_000_000.0],
        )
        self.assertEqual(
            acknowledgement.example_levels(0.0), [10_000.0, 50_000.0, 100_000.0]
        )

    def test_example_runs_the_settlement_pipeline(self):
        policy = components.Policy(
            digits=2,
            date_to="2026-03-31",
            target_gate="reach",
            holdback_percent=20.0,
            holdback_release_date="2027-01-01",
        )
        below = acknowledgement.example(5_000.0, 250.0, policy, target=10_000.0)
        self.assertEqual((below["total"], below["held"]), (0.0, 0.0))
        above = acknowledgement.example(15_000.0, 750.0, policy, target=10_000.0)
        self.assertEqual((above["total"], above["held"]), (600.0, 150.0))
        self.assertEqual(
            [c.component for c in above["components"]],
            ["commission", "gate", "holdback"],
        )
