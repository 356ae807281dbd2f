# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Every menu of every demo role opens (issue #20).

Mixed into ``TestDemoCompany``: on the demo company, each demo user loads
their menus (``ir.ui.menu.load_menus``, as the web client does) and opens
every one of them, in every app they see (Odoo's own apps too: Discuss,
Dashboards, Apps...), through the server calls the web client makes: the
action as ``/web/action/load`` returns it; for a window action its views:
``get_views``, then ``web_search_read`` / ``web_read_group`` (list, kanban),
``read_group`` (pivot, graph), ``web_read`` / ``onchange`` (form), with the
action's default filters (``search_default_*``) and without them; for a
client action, the calls of its screen (``CLIENT_ACTIONS``: a client action
without an entry there fails the test, so none is passed over).  Any error
fails the test, naming the user, the menu and the view.
"""

import datetime as pydatetime
import functools
import json
import logging
import re

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields
from odoo.osv import expression
from odoo.tools.safe_eval import datetime, safe_eval, time

from odoo.addons.mail.tools.discuss import Store
from odoo.addons.web.controllers.utils import clean_action

_logger = logging.getLogger(__name__)

# what one view reads per call, as the web client's first page
LIMIT = 80
# the client actions of the demo roles' menus: their screen's server calls
CLIENT_ACTIONS = {
    "action_spreadsheet_dashboard": "_open_dashboards",
    "mail.action_discuss": "_open_discuss",
    "mail.discuss_notification_settings_action": "_open_discuss",
    "mail.discuss_call_settings_action": "_open_discuss",
}
# the account groups of a dashboard's ODOO.BALANCE(ODOO.ACCOUNT.GROUP(...))
ACCOUNT_GROUP = re.compile(r'ODOO\.ACCOUNT\.GROUP\(\\?"(\w+)\\?"\)')
# relational widgets reading their records' names
TAG_WIDGETS = {
    "many2many_tags",
    "many2many_tags_avatar",
    "many2many_avatar_user",
    "many2many_avatar_employee",
    "one2many_tags",
}
# what the list_activity widget reads beside its field
ACTIVITY_FIELDS = (
    "activity_exception_decoration",
    "activity_exception_icon",
    "activity_state",
    "activity_summary",
    "activity_type_icon",
    "activity_type_id",
)
VIEW_TAGS = {"list", "kanban", "form", "calendar", "graph", "pivot", "activity"}


class DemoMenusMixin:
    """``_check_every_menu_opens`` (needs ``self.env`` on the demo company,
    as ``TestDemoCompany`` sets it up)."""

    def _demo_users(self):
        data = self.env["ir.model.data"].search(
            [("module", "=", "sale_incentive"), ("model", "=", "res.users")]
        )
        users = self.env["res.users"].browse(data.mapped("res_id"))
        return self.env.ref("base.user_admin") | users.sorted("login")

    def _user_env(self, user):
        context = dict(
            user.context_get(),
            allowed_company_ids=user.company_id.ids,
            tz=user.tz or "UTC",
        )
        return self.env(user=user, su=False, context=context)

    def _eval_context(self, env):
        today = fields.Date.context_today(env.user)
        return {
            **env.context,
            "context": env.context,
            "uid": env.uid,
            "user": env.user,
            "allowed_company_ids": env.companies.ids,
            "current_company_id": env.company.id,
            "company_id": env.company.id,
            "active_id": False,
            "active_ids": [],
            "active_model": False,
            "time": time,
            "datetime": datetime,
            "relativedelta": relativedelta,
            "context_today": lambda: pydatetime.datetime.combine(
                today, pydatetime.time()
            ),
            "current_date": time.strftime("%Y-%m-%d"),
            "today": today.isoformat(),
            "now": fields.Datetime.now(),
        }

    # ------------------------------------------------------------------
    # The search view: default filters and groupings
    # ------------------------------------------------------------------
    def _search_defaults(self, env, model, arch, action_context, eval_context):
        """(domain, groupby) of the ``search_default_*`` keys of the
        action's context, combined as the search panel does: filters of one
        group (between separators) or'ed, groups and'ed."""
        defaults = {
            key[len("search_default_") :]: value
            for key, value in action_context.items()
            if key.startswith("search_default_") and value
        }
        groups, groupby = {}, []
        if not defaults:
            return [], groupby
        root = etree.fromstring(arch)
        group_index = 0
        for node in root.iter():
            if node.tag in ("separator", "group"):
                group_index += 1
                continue
            name = node.get("name")
            if name not in defaults:
                continue
            value = defaults[name]
            if node.tag == "filter":
                context = safe_eval(node.get("context") or "{}", eval_context)
                if context.get("group_by"):
                    groupby.append(context["group_by"])
                elif node.get("date"):
                    groups.setdefault(group_index, []).append(
                        self._current_period_domain(env, node.get("date"))
                    )
                elif node.get("domain"):
                    groups.setdefault(group_index, []).append(
                        safe_eval(node.get("domain"), eval_context)
                    )
            elif node.tag == "field":
                values = value if isinstance(value, list) else [value]
                domains = []
                for item in values:
                    if node.get("filter_domain"):
                        domains.append(
                            safe_eval(
                                node.get("filter_domain"),
                                dict(eval_context, self=item, raw_value=item),
                            )
                        )
                    else:
                        operator = node.get("operator") or (
                            "="
                            if isinstance(item, int)
                            or env[model]._fields[name].type == "many2one"
                            else "ilike"
                        )
                        domains.append([(name, operator, item)])
                groups.setdefault(f"field {name}", []).append(expression.OR(domains))
        domain = expression.AND([expression.OR(ors) for ors in groups.values()])
        return domain, groupby

    def _current_period_domain(self, env, field_name):
        today = fields.Date.context_today(env.user)
        first = today.replace(day=1)
        last = first + relativedelta(months=1, days=-1)
        return [(field_name, ">=", first), (field_name, "<=", last)]

    # ------------------------------------------------------------------
    # What a view reads
    # ------------------------------------------------------------------
    def _spec(self, env, model, node):
        """The web client's specification of the fields of a view node."""
        spec = {}
        fields_ = env[model]._fields
        for child in node:
            if not isinstance(child.tag, str):
                continue
            if child.tag == "field" and child.get("name") in fields_:
                field = fields_[child.get("name")]
                sub_views = [c for c in child if c.tag in ("list", "kanban")]
                if field.relational and sub_views:
                    spec[field.name] = {
                        "fields": self._spec(env, field.comodel_name, sub_views[0]),
                        "limit": 40,
                    }
                elif field.type == "many2one" or child.get("widget") in TAG_WIDGETS:
                    spec[field.name] = {"fields": {"display_name": {}}}
                else:
                    spec[field.name] = {}  # x2many without sub-view: ids
                if child.get("widget") == "list_activity":
                    spec.update(
                        (
                            name,
                            {"fields": {"display_name": {}}} if "_id" in name else {},
                        )
                        for name in ACTIVITY_FIELDS
                    )
                continue
            spec.update(self._spec(env, model, child))
        return spec

    def _load_view(
        self, env, model, view_type, arch, domain, groupby, ids_seen, new_record
    ):
        """Read what ``view_type`` shows first; ``ids_seen``: the records the
        action's list or kanban showed (a form opens the first of them; a
        form-only action opens a new record)."""
        records = env[model]
        root = etree.fromstring(arch)
        if view_type in ("list", "kanban", "calendar"):
            groupby = groupby or (
                [root.get("default_group_by")] if root.get("default_group_by") else []
            )
            spec = self._spec(env, model, root)
            if groupby and view_type != "calendar":
                records.web_read_group(domain, [], groupby[:1], limit=LIMIT)
            else:
                result = records.web_search_read(domain, spec, limit=LIMIT)
                ids_seen.extend(record["id"] for record in result["records"])
        elif view_type in ("pivot", "graph"):
            measures = [
                f.get("name") for f in root.iter("field") if f.get("type") == "measure"
            ] or ["__count"]
            dimensions = [
                f.get("name") + (f":{f.get('interval')}" if f.get("interval") else "")
                for f in root.iter("field")
                if f.get("type") != "measure"
                and f.get("invisible") not in ("1", "True")
            ]
            combos = [[], groupby or dimensions[:1], dimensions]
            for combo in combos:
                records.read_group(domain, measures, combo, lazy=False)
        elif view_type == "form":
            spec = self._spec(env, model, root)
            if ids_seen:
                records.browse(ids_seen[0]).web_read(spec)
            elif new_record:
                records.onchange({}, [], spec)
        elif view_type == "activity":
            env["mail.activity"].get_activity_data(model, domain)

    # ------------------------------------------------------------------
    # One menu
    # ------------------------------------------------------------------
    def _open_menu(self, env, label, action_ref, failures):
        action_model, action_id = action_ref.split(",")
        action_model = action_model.strip()
        loaded = self._attempt(
            failures,
            f"{label} (/web/action/load)",
            lambda: self._load_action(env, int(action_id)),
        )
        if not loaded:
            return
        if action_model == "ir.actions.client":
            self._open_client_action(env, label, loaded, failures)
            return
        if action_model == "ir.actions.server":
            action = self._attempt(
                failures,
                f"{label} (server action)",
                lambda: env[action_model].browse(int(action_id)).run(),
            )
            if not isinstance(action, dict) or action.get("type") != (
                "ir.actions.act_window"
            ):
                return
        elif action_model == "ir.actions.act_window":
            action = loaded
        else:
            return  # a URL (ir.actions.act_url): the browser follows it
        eval_context = self._eval_context(env)
        context, domain = self._evaluate_action(action, eval_context)
        model = action["res_model"]
        model_env = env(context=dict(env.context, **context))
        views = [tuple(view) for view in action.get("views") or []]
        search_view = action.get("search_view_id")
        search_view_id = (
            search_view[0] if isinstance(search_view, (list, tuple)) else search_view
        )
        result = self._attempt(
            failures,
            f"{label} (get_views)",
            lambda: model_env[model].get_views(
                [*views, (search_view_id or False, "search")],
                {"action_id": action.get("id"), "load_filters": True, "toolbar": True},
            ),
        )
        if not result:
            return
        search_arch = result["views"]["search"]["arch"]
        default_domain, groupby = self._attempt(
            failures,
            f"{label} (search defaults)",
            lambda: self._search_defaults(
                env, model, search_arch, context, eval_context
            ),
        ) or ([], [])
        if isinstance(context.get("group_by"), (str, list)) and context["group_by"]:
            group = context["group_by"]
            groupby = groupby or ([group] if isinstance(group, str) else list(group))
        passes = [("default filters", default_domain, groupby), ("no filter", [], [])]
        for pass_name, filters, groups in passes:
            ids_seen = []
            for _view_id, view_type in views:
                if view_type not in VIEW_TAGS or view_type not in result["views"]:
                    continue
                self._attempt(
                    failures,
                    f"{label} / {view_type} ({pass_name})",
                    functools.partial(
                        self._load_view,
                        model_env,
                        model,
                        view_type,
                        result["views"][view_type]["arch"],
                        expression.AND([domain, filters]),
                        groups,
                        ids_seen,
                        views[0][1] == "form",
                    ),
                )

    def _load_action(self, env, action_id):
        """The action as ``/web/action/load`` returns it to ``env.user``."""
        Actions = env["ir.actions.actions"]
        action_type = Actions.sudo().browse(action_id).read(["type"])[0]["type"]
        action = env[action_type].sudo().browse(action_id)
        if action_type == "ir.actions.act_window":
            result = action._get_action_dict()
        else:
            result = action.read()[0]
        return clean_action(result, env=env)

    def _open_client_action(self, env, label, action, failures):
        """The server calls of a client action's screen (``CLIENT_ACTIONS``)."""
        method = CLIENT_ACTIONS.get(action["tag"])
        if not method:
            failures.append(f"{label}: client action {action['tag']} not opened")
            return
        self._attempt(failures, label, lambda: getattr(self, method)(env))

    # ------------------------------------------------------------------
    # Client actions
    # ------------------------------------------------------------------
    def _open_discuss(self, env):
        """Discuss and its settings screens: the messaging store
        (``/mail/action`` with ``init_messaging``) and the inbox
        (``/mail/inbox/messages``)."""
        store = Store()
        env.user._init_messaging(store)
        member_domain = [
            ("is_self", "=", True),
            ("fold_state", "in", ("open", "folded")),
        ]
        store.add(
            env["discuss.channel"].search(
                [("channel_member_ids", "any", member_domain)]
            )
        )
        store.get_result()
        fetched = env["mail.message"]._message_fetch(
            [("needaction", "=", True)], limit=30
        )
        Store(
            fetched["messages"], for_current_user=True, add_followers=True
        ).get_result()

    def _open_dashboards(self, env):
        """Dashboards (spreadsheet_dashboard's DashboardLoader): the groups of
        published dashboards the user reads, then each of their dashboards
        and the data its spreadsheet loads."""
        groups = env["spreadsheet.dashboard.group"].web_search_read(
            [("published_dashboard_ids", "!=", False)],
            {"name": {}, "published_dashboard_ids": {"fields": {"name": {}}}},
        )
        for group in groups["records"]:
            for dashboard in group["published_dashboard_ids"]:
                data = env["spreadsheet.dashboard"].browse(dashboard["id"])
                self._load_spreadsheet(env, data.get_readonly_dashboard()["snapshot"])

    def _load_spreadsheet(self, env, snapshot):
        """What a spreadsheet's data sources read: its pivots, lists and
        charts, the models of its global filters, its account balances."""
        for pivot in snapshot.get("pivots", {}).values():
            Model = env[pivot["model"]]
            Model.fields_get()
            measures = [
                f"{m['fieldName']}:{m['aggregator']}"
                if m.get("aggregator")
                else m["fieldName"]
                for m in pivot.get("measures", [])
            ]
            dimensions = [
                d["fieldName"]
                + (f":{d['granularity']}" if d.get("granularity") else "")
                for d in pivot.get("rows", []) + pivot.get("columns", [])
            ]
            Model.read_group(
                pivot.get("domain", []), measures or ["__count"], dimensions, lazy=False
            )
        for list_ in snapshot.get("lists", {}).values():
            Model = env[list_["model"]]
            Model.fields_get()
            spec = {
                name: {"fields": {"display_name": {}}}
                if Model._fields[name].relational
                else {}
                for name in list_["columns"]
            }
            Model.web_search_read(list_.get("domain", []), spec, limit=LIMIT)
        for global_filter in snapshot.get("globalFilters", []):
            if global_filter.get("modelName"):
                env[global_filter["modelName"]].name_search("", limit=8)
        self._load_spreadsheet_charts(env, snapshot)
        self._load_spreadsheet_balances(env, snapshot)

    def _load_spreadsheet_charts(self, env, snapshot):
        for sheet in snapshot.get("sheets", []):
            for figure in sheet.get("figures", []):
                chart = figure.get("data") or {}
                meta = chart.get("metaData")
                if not meta:
                    continue
                measure = meta.get("measure")
                env[meta["resModel"]].read_group(
                    chart.get("searchParams", {}).get("domain", []),
                    [measure] if measure and measure != "__count" else ["__count"],
                    meta.get("groupBy", []),
                    lazy=False,
                )

    def _load_spreadsheet_balances(self, env, snapshot):
        """ODOO.BALANCE(ODOO.ACCOUNT.GROUP("type")): the accounts of the
        type, then their debit and credit of the year."""
        account_types = sorted(set(ACCOUNT_GROUP.findall(json.dumps(snapshot))))
        if not account_types:
            return
        Account = env["account.account"]
        year = fields.Date.context_today(env.user).year
        for codes in Account.get_account_group(account_types):
            Account.spreadsheet_fetch_debit_credit(
                [
                    {
                        "date_range": {"range_type": "year", "year": year},
                        "company_id": env.company.id,
                        "codes": codes,
                        "include_unposted": False,
                    }
                ]
            )

    def _evaluate_action(self, action, eval_context):
        """(context, domain) of ``action``, evaluated as the web client does."""
        context = action.get("context") or {}
        if isinstance(context, str):
            context = safe_eval(context, eval_context)
        domain = action.get("domain") or []
        if isinstance(domain, str):
            domain = safe_eval(domain, eval_context)
        return context, domain

    def _attempt(self, failures, label, call):
        try:
            with self.env.cr.savepoint():
                return call()
        except Exception as error:  # each failure is reported
            _logger.info("%s failed", label, exc_info=True)
            failures.append(f"{label}: {type(error).__name__}: {error}")
            self.env.invalidate_all()
            return None

    def _check_every_menu_opens(self):
        """Every menu of every app of every demo user."""
        failures = []
        opened = {}
        for user in self._demo_users():
            env = self._user_env(user)
            menus = env["ir.ui.menu"].load_menus(False)
            for menu_id, menu in menus.items():
                if menu_id == "root" or not menu.get("action"):
                    continue
                names, parent = [menu["name"]], menu
                while parent.get("parent_id") and parent["parent_id"][0] in menus:
                    parent = menus[parent["parent_id"][0]]
                    names.insert(0, parent["name"])
                label = f"{user.login}: {' / '.join(names)}"
                # each call of the web client is a request of its own: no
                # record cache of another user's reads (an x2many read by a
                # sales manager is not filtered again for the accountant)
                self.env.invalidate_all()
                self._open_menu(env, label, menu["action"], failures)
                opened.setdefault(user.login, set()).add(menu["xmlid"])
        _logger.info(
            "menus opened: %s",
            ", ".join(f"{login} {len(xmlids)}" for login, xmlids in opened.items()),
        )
        # each role reaches the module's home (My Commissions)
        for user in self._demo_users():
            self.assertIn("sale_incentive.menu_sale_incentive_my", opened[user.login])
        # and Odoo's own apps are opened too (issue #20: the accountant's
        # Dashboards, where the Invoicing dashboard reads her invoices)
        if "spreadsheet.dashboard" in self.env:
            accountant = self.env.ref("sale_incentive.demo_user_accountant")
            self.assertIn(
                "spreadsheet_dashboard.spreadsheet_dashboard_menu_root",
                opened[accountant.login],
            )
        self.assertFalse(failures, "\n" + "\n".join(failures))
