"""Every label a reader sees for a code: states, notice types, severities, stages, languages, feeds and reasons.

Reasons are the checks' own English sentences (mpass_status.checks.reasons.REASONS), translated here by
their code; the catalogs hold them because they are marked there with N_().
"""

from datetime import date, datetime

from babel.lists import format_list
from flask_babel import format_decimal, gettext
from flask_babel import lazy_gettext as _l

from mpass_status.checks.reasons import REASONS
from mpass_status.status.evaluate import production_parts
from mpass_status.status.states import notice_state, severity_state
from mpass_status.web.dates import format_moment

TYPE_LABELS = {
    "incident": _l("Incident"),
    "maintenance": _l("Maintenance break"),
    "change": _l("Change notice"),
    "announcement": _l("Announcement"),
}
# The plural forms name the archive filters and feeds.
TYPE_PLURALS = {
    "incident": _l("Incidents"),
    "maintenance": _l("Maintenance breaks"),
    "change": _l("Change notices"),
    "announcement": _l("Announcements"),
}
STAGE_LABELS = {
    "investigating": _l("Investigating"),
    "identified": _l("Cause identified"),
    "monitoring": _l("Monitoring"),
    "resolved": _l("Resolved"),
    "scheduled": _l("Scheduled"),
    "in_progress": _l("In progress"),
    "completed": _l("Completed"),
}
# Each language names itself in the switch; LANGUAGE_IN tells where text is shown in another.
LANGUAGE_NAMES = {"fi": "Suomeksi", "sv": "På svenska"}
LANGUAGE_IN = {"fi": _l("in Finnish"), "sv": _l("in Swedish")}
STATE_LABELS = {
    "operational": _l("Operational"),
    "degraded": _l("Degraded"),
    "disrupted": _l("Partly disrupted"),
    "down": _l("Down"),
    "maintenance": _l("Maintenance"),
    "unknown": _l("Unknown"),
}
# What each kind of automatic check looks at, and where.
CHECK_KIND_LABELS = {
    "http": _l("Address answers"),
    "oidc": _l("OpenID Connect configuration"),
    "saml": _l("SAML metadata"),
    "authsources": _l("Login methods on offer"),
    "tls": _l("TLS certificate"),
}
ENVIRONMENT_LABELS = {"production": _l("production"), "test": _l("test")}
# One result of one check; its icon is that of the state it points to.
OUTCOME_LABELS = {
    "ok": _l("Passed"),
    "degraded": _l("Warning"),
    "failed": _l("Failed"),
    "unknown": _l("Unknown"),
}
CHECK_OUTCOME_STATES = {"ok": "operational", "degraded": "degraded", "failed": "down", "unknown": "unknown"}
# The legend tells in a sentence what each state means to a reader.
STATE_MEANINGS = {
    "operational": _l("No known problems, and the automatic checks pass."),
    "degraded": _l("Works, but slowly or with minor problems."),
    "disrupted": _l("Works for some users or some of the time."),
    "down": _l("Nobody can use it: logging in through it fails, or it does not answer."),
    "maintenance": _l("Unavailable or limited during planned maintenance."),
    "unknown": _l("No current information: no automatic check results and no notice."),
}
LEGEND_ORDER = ("operational", "degraded", "disrupted", "down", "maintenance", "unknown")
ALL_FEED_DESCRIPTION = _l(
    "Every notice: incidents with each of their updates, maintenance breaks, change notices and announcements."
)
TYPE_FEED_DESCRIPTIONS = {
    "incident": _l("Incidents, each update from the first report to the fix as its own entry."),
    "maintenance": _l("Maintenance breaks: when one is scheduled, when it begins and when it is completed."),
    "change": _l("Changes to MPASSid that education providers and services need to prepare for."),
    "announcement": _l("Other news about MPASSid."),
}


# How the headline names what fails: "Kirjautuminen %(how)s ei onnistu" / "Det går inte att logga in %(how)s".
HEADLINE_HOW = {
    "all": _l("with MPASSid"),
    "oidc": _l("with MPASSid through its OpenID Connect interface"),
    "saml": _l("with MPASSid through its SAML interface"),
    "test": _l("through MPASSid's test environment"),
}
# The headline's sentence for each state, its full stop added after the clause on what still works.
HEADLINE_SENTENCES = {
    "down": _l("Logging in %(how)s fails"),
    "disrupted": _l("Logging in %(how)s fails for some users"),
    "degraded": _l("Logging in %(how)s works, but slowly or with minor problems"),
    "maintenance": _l("Maintenance break: logging in %(how)s may fail during the break"),
}
_BABEL_LOCALES = {"fi": "fi_FI", "sv": "sv_FI"}


def headline_how(found, config, lang: str) -> str:
    """Words what the headline's scope covers, in lang: MPASSid, a protocol, login methods by name, or test."""
    if found.scope == "methods":
        names = [config.component(c).name[lang] for c in found.components]
        # Both languages share the compound's hyphen ("Wilma- ja Google-tunnuksilla"); Finnish sets it apart
        # after a name of several words ("Microsoft Entra ID -tunnuksilla"), Swedish does not.
        last = names[-1] + (" -" if lang == "fi" and " " in names[-1] else "-")
        joined = format_list([f"{name}-" for name in names[:-1]] + [last], locale=_BABEL_LOCALES[lang])
        return gettext("with %(names)scredentials", names=joined)
    return str(HEADLINE_HOW[found.protocol if found.scope == "protocol" else found.scope])


def headline_others(found, config, lang: str) -> str | None:
    """Words what still works beside the headline's scope ("muut kirjautumistavat toimivat"), or None."""
    if not found.others_work:
        return None
    if found.scope == "methods":
        return gettext("the other login methods work")
    if found.scope == "test":
        return gettext("logging in to services in production works normally")
    other = [c for c in sorted(production_parts(config)) if c not in found.components]
    return gettext("%(name)s works", name=config.component(other[0]).name[lang]) if len(other) == 1 else None


def pending_title(title: str) -> str:
    """Marks a title whose notice is not yet wholly translated into the current locale."""
    return gettext("%(title)s (translation pending)", title=title)


def cancelled_title(title: str) -> str:
    """Marks the title of a cancelled maintenance break."""
    return gettext("Cancelled: %(title)s", title=title)


def component_label(config, component_id: str, lang: str) -> str:
    """Names a component or group in lang, adding the group when another component has the same name."""
    group = next((g for g in config.groups if g.id == component_id), None)
    if group:
        return group.name[lang]
    component = config.component(component_id)
    twins = [c for c in config.components if c.name[lang] == component.name[lang]]
    if len(twins) > 1:
        group = next(g for g in config.groups if g.id == component.group)
        return f"{component.name[lang]} ({(group.qualifier or group.name)[lang]})"
    return component.name[lang]


def feed_label(spec, config, lang: str) -> str:
    """Names what a feed selects, in the current locale (call it within force_locale)."""
    if spec.facet is None:
        return gettext("All notices")
    if spec.facet == "type":
        return str(TYPE_PLURALS[spec.value])
    return component_label(config, spec.value, lang)


def feed_name(spec, config, lang: str) -> str:
    """Names a feed in the current locale, as its title says."""
    if spec.facet in ("group", "component"):
        return gettext("Notices: %(name)s", name=feed_label(spec, config, lang))
    return feed_label(spec, config, lang)


def feed_description(spec, config, lang: str) -> str:
    """Says what a feed carries, in the current locale."""
    if spec.facet is None:
        return str(ALL_FEED_DESCRIPTION)
    if spec.facet == "type":
        return str(TYPE_FEED_DESCRIPTIONS[spec.value])
    name = component_label(config, spec.value, lang)
    if spec.facet == "group":
        group = next(g for g in config.groups if g.id == spec.value)
        if group.feed_description:
            return group.feed_description[lang]
        return gettext("Notices that affect any part of %(name)s.", name=name)
    if spec.value in config.login_methods():
        # Finnish sets the compound's hyphen apart after a name of several words ("Microsoft Entra ID
        # -kirjautumista"): the space is added here, as the catalog cannot tell such a name.
        spaced = f"{name} " if lang == "fi" and " " in name else name
        return gettext("Notices about logging in with %(name)s.", name=spaced)
    return gettext("Notices that affect %(name)s.", name=name)


def _localized(value):
    # Reasons carry dates and times as ISO text and figures as numbers: show them as the reader writes them.
    if isinstance(value, float):
        return format_decimal(value)
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
        try:
            return date.fromisoformat(value).strftime("%-d.%-m.%Y")
        except ValueError:
            return value
    if isinstance(value, str) and len(value) > 10 and value[10:11] == "T":
        try:
            return format_moment(datetime.fromisoformat(value))
        except ValueError:
            return value
    return value


def reason_text(code: str, params: dict | None = None) -> str:
    """Returns why a check or component shows as it does, in the reader's language."""
    template = REASONS.get(code)
    if template is None:
        return code
    try:
        return gettext(template, **{key: _localized(value) for key, value in (params or {}).items()})
    except (KeyError, TypeError, ValueError):
        return gettext(template)


def init_app(app) -> None:
    """Makes the label tables and helpers available to every template."""
    app.jinja_env.globals.update(
        TYPE_LABELS=TYPE_LABELS,
        TYPE_PLURALS=TYPE_PLURALS,
        STAGE_LABELS=STAGE_LABELS,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        LANGUAGE_IN=LANGUAGE_IN,
        STATE_LABELS=STATE_LABELS,
        STATE_MEANINGS=STATE_MEANINGS,
        LEGEND_ORDER=LEGEND_ORDER,
        CHECK_KIND_LABELS=CHECK_KIND_LABELS,
        ENVIRONMENT_LABELS=ENVIRONMENT_LABELS,
        OUTCOME_LABELS=OUTCOME_LABELS,
        CHECK_OUTCOME_STATES=CHECK_OUTCOME_STATES,
        notice_state=notice_state,
        severity_state=severity_state,
        reason_text=reason_text,
        component_label=component_label,
        HEADLINE_SENTENCES=HEADLINE_SENTENCES,
        headline_how=headline_how,
        headline_others=headline_others,
    )
