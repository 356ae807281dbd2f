# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Explanations stored as data, rendered in the reader's language.

An explanation is a list of parts, each ``{"key": ..., "params": {...}}``:
the key names a template, the params are raw values (numbers, names that
are data, a selection key, nested parts); the words come from the
templates, translated when the explanation is read (``self.env.lang``).
The rendered parts are joined by a space.  A param holding a list of parts
is rendered first (a rule's calculation inside "... on [document]
product, rule 'x'").
"""

from odoo import api, models

# params that are money, shown in the currency's digits
MONEY_PARAMS = frozenset(
    {"amount", "base", "total", "price", "list_price", "table", "lower"}
)
# money with its sign always shown (an increment: +23,500.00, -1,000.00)
SIGNED_MONEY_PARAMS = frozenset({"increment"})
# shares of 1 shown as a percentage with two decimals (0.5 -> 50.00%)
RATIO_PARAMS = frozenset({"ratio", "share"})
# the order share of a line (0.123456 -> 12.3456%)
SHARE_PARAMS = frozenset({"order_share"})


class ExplanationParams(dict):
    """Explanation parameters; a missing one shows as "?" instead of failing."""

    def __missing__(self, key):
        return "?"


class SaleIncentiveExplanation(models.AbstractModel):
    """The renderer of explanations stored as parts (key + params): one
    table of templates, one formatting of their params."""

    _name = "sale.incentive.explanation"
    _description = "Sales Incentive Explanation"

    @api.model
    def _part(self, key, **params):
        """One part of an explanation (what the lines store)."""
        return {"key": key, "params": params}

    @api.model
    def _render(self, parts, currency, templates=None, format_params=None):
        """The text of ``parts`` in the reader's language, money in the
        digits of ``currency``; ``templates``: {key: template} of another
        kind of record (default: the commission lines', ``_get_templates``);
        ``format_params``: how that kind of record shows its params
        (``params -> values``; default: ``_format_params``).  Settlement
        components are rendered here too, with their own templates and
        params (units, dates, bands)."""
        templates = self._get_templates() if templates is None else templates
        return " ".join(
            self._render_part(part, currency, templates, format_params)
            for part in parts or ()
        )

    @api.model
    def _render_part(self, part, currency, templates, format_params=None):
        key, params = part.get("key"), part.get("params") or {}
        if key == "text":  # finished text (lines written before parts)
            return params.get("text") or ""
        template = templates.get(key)
        if template is None:
            return key or ""
        if format_params is not None:
            return str(template) % format_params(params)
        return str(template) % self._format_params(params, currency, templates)

    @api.model
    def _format_params(self, params, currency, templates):
        """``params`` as text in the reader's language."""
        fmt = self.env["sale.incentive.line"]._format_amount
        values = ExplanationParams()
        for key, value in params.items():
            if isinstance(value, list):
                values[key] = " ".join(
                    self._render_part(part, currency, templates) for part in value
                )
            elif not isinstance(value, int | float) or isinstance(value, bool):
                values[key] = self._format_word(key, value)
            elif key in MONEY_PARAMS or key in SIGNED_MONEY_PARAMS:
                values[key] = fmt(value, currency, signed=key in SIGNED_MONEY_PARAMS)
            elif key in RATIO_PARAMS:
                values[key] = format(value, ".2%")
            elif key in SHARE_PARAMS:
                values[key] = format(value, ".4%")
            else:
                values[key] = format(value, "g")
        return values

    @api.model
    def _format_word(self, key, value):
        """A param that is a word to translate (a period, a bracket mode) in
        the reader's language; any other text (names) as it is."""
        if key == "period":
            return self._get_period_labels().get(value, value)
        if key == "what":
            return {"line": self.env._("line"), "order": self.env._("order")}.get(
                value, value
            )
        if key == "mode":
            return dict(
                self.env["sale.incentive.rule"]
                ._fields["bracket_mode"]
                ._description_selection(self.env)
            ).get(value, value)
        return "" if value is None or value is False else value

    @api.model
    def _get_period_labels(self):
        return {
            "month": self.env._("month"),
            "quarter": self.env._("quarter"),
            "year": self.env._("year"),
        }

    @api.model
    def _get_templates(self):
        """{part key: its template in the reader's language} of the
        commission lines' explanations; templates without words are not
        translated."""
        return {
            # a rule's calculation
            "money": "%(amount)s",
            "percentage": "%(rate)s%% × %(base)s",
            "fixed_unit": "%(amount)s × %(quantity)s",
            "units": self.env._("unit(s)"),
            "per_line": self.env._("per line"),
            "per_order": self.env._("per order × %(share)s of the order"),
            "formula": self.env._("formula %(formula)s"),
            "above_list": "%(rate)s%% × (%(price)s − %(list_price)s) × %(quantity)s",
            "period_base": self.env._("base %(base)s"),
            "bracket": self.env._(
                "%(mode)s bracket on the %(what)s amount %(amount)s → %(total)s"
            ),
            "order_share": "× %(order_share)s",
            "addition": "+ %(calc)s (%(rule)s)",
            # a price below the minimum approved at a set % (issue 21.4)
            "price_approval": self.env._(
                "%(rate)s%% × %(base)s (price below the minimum, approved by "
                "%(approver)s at this rate)"
            ),
            # the source line and the beneficiary's share of it
            "source": self.env._("%(calc)s on [%(doc)s] %(product)s, rule '%(rule)s'"),
            "share": "(%(percent)s%%)",
            # period tables
            "period_table": self.env._(
                "%(line)s; the %(period)s reaches %(total)s: %(how)s (%(table)s), "
                "%(increment)s"
            ),
            "bracket_none": self.env._("below the first bracket"),
            "bracket_whole": self.env._("%(rate)s%% on the whole %(period)s"),
            "bracket_above": self.env._("%(rate)s%% above %(lower)s"),
            "document_base": self.env._("[%(document)s] base %(base)s"),
            "documents_left": self.env._("Documents left the period"),
            "upgrade_difference": self.env._(
                "Upgrade to 18.0.1.1.0: the part of the table not paid"
            ),
            # reversals
            "clawback": self.env._("Clawback of %(origin)s: %(ratio)s of %(amount)s"),
            "payment": self.env._(
                "%(ratio)s of %(name)s paid (%(payment)s): %(amount)s"
            ),
            "payment_undone": self.env._(
                "Payment %(payment)s of %(name)s undone: %(amount)s"
            ),
        }
