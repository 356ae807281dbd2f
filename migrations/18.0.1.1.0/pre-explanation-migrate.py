# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""18.0.1.1.0, before the tables are updated (and before the other
pre-migration, the file names sort so): commission-line explanations become
data rendered in the reader's language (``explanation_data``, parts of a
template key and its parameters; ``explanation`` is computed, not stored).

Odoo would leave the old column in place, unread: each line written before
keeps its stored text as one part ``{"key": "text", "params": {"text": <old
text>}}``, shown as it is, in whatever language it was posted; the new
column is created here (the type Odoo gives a Json field, which it then
keeps) so that the post-migration, which rewrites the period-table lines,
already reads every line's parts; then the old column is dropped."""

import logging

from odoo.tools import SQL, sql

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if version:
        keep_line_explanations(cr)


def keep_line_explanations(cr):
    if not sql.column_exists(cr, "sale_incentive_line", "explanation"):
        return
    cr.execute(
        SQL(
            "ALTER TABLE sale_incentive_line "
            "ADD COLUMN IF NOT EXISTS explanation_data jsonb"
        )
    )
    cr.execute(
        SQL(
            """UPDATE sale_incentive_line
                  SET explanation_data = jsonb_build_array(jsonb_build_object(
                          'key', 'text',
                          'params', jsonb_build_object('text', explanation)))
                WHERE explanation IS NOT NULL AND explanation_data IS NULL"""
        )
    )
    _logger.info(
        "sale_incentive: the explanations of %s commission line(s) kept as text",
        cr.rowcount,
    )
    cr.execute(SQL("ALTER TABLE sale_incentive_line DROP COLUMN explanation"))
