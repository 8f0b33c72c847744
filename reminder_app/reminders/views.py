"""Staff pages for the reminder rules, their texts (with a live preview) and quiet hours."""

from datetime import datetime, time, timedelta

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import login_required

from ..extensions import db
from ..models import AppointmentType, Language, Provider, ReminderRule
from ..models.reminders import RuleKind, WhenConfirmed
from ..models.types import utcnow
from ..tenancy import current_practice, get_or_404, scoped
from ..transactions import rollback, unit_of_work
from . import journey_defaults, journey_rules, rules, templates
from .forms import JourneyRuleForm, QuietHoursForm, RuleForm, TextingForm

bp = Blueprint("reminders", __name__, url_prefix="/reminders")

SAMPLE_PATIENT = ("Ana", "Reyes")
SAMPLE_PROVIDER = "Dr. Amelia Reyes"


@bp.before_request
@login_required
def require_login():
    pass


def sample_details(language: Language, now: datetime | None = None) -> templates.Details:
    """The editor's sample: the practice's first provider, 9:30 on the next weekday."""
    practice = current_practice()
    provider = db.session.scalar(scoped(Provider).where(Provider.active.is_(True))
                                 .order_by(Provider.name, Provider.id).limit(1))
    day = (now or utcnow()).astimezone(practice.zone).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    starts_at = datetime.combine(day, time(9, 30), tzinfo=practice.zone)
    kind = db.session.scalar(scoped(AppointmentType).where(AppointmentType.prep_note != "")
                             .order_by(AppointmentType.name, AppointmentType.id).limit(1))
    return templates.Details(
        patient_first_name=SAMPLE_PATIENT[0], patient_last_name=SAMPLE_PATIENT[1],
        practice_name=practice.name, practice_phone=practice.phone,
        provider=provider.name if provider else SAMPLE_PROVIDER, starts_at=starts_at,
        zone=practice.zone, language=language,
        prep_note=kind.prep_note_for(language) if kind else "",
        location=practice.name, location_address=practice.address)


def previews(form: RuleForm) -> dict[str, templates.Preview | str]:
    """The preview of each language's text, or the error that prevents one."""
    shown = {}
    for language in Language:
        body = form[f"body_{language.value}"].data or ""
        try:
            shown[language.value] = templates.preview(body, sample_details(language))
        except templates.TemplateError as error:
            shown[language.value] = str(error)
    return shown


def _bodies(form: RuleForm) -> dict[Language, str]:
    return {language: form[f"body_{language.value}"].data for language in Language}


def _scope_choices(form: RuleForm) -> tuple[dict, dict]:
    """The practice's types and providers as the rule's scope choices (0: any)."""
    types = {t.id: t for t in db.session.scalars(
        scoped(AppointmentType).order_by(AppointmentType.name, AppointmentType.id))}
    providers = {p.id: p for p in db.session.scalars(
        scoped(Provider).order_by(Provider.name, Provider.id))}
    form.appointment_type.choices = [(0, "Any type")] + [(t.id, t.name) for t in types.values()]
    form.provider.choices = [(0, "Any provider")] + [(p.id, p.name) for p in providers.values()]
    return types, providers


def _scope(form: RuleForm, types: dict, providers: dict) -> dict:
    return {"appointment_type": types.get(form.appointment_type.data or 0),
            "provider": providers.get(form.provider.data or 0)}


@bp.get("/rules")
@unit_of_work()
def index():
    """A practice created before sign-up gave it its default rules gets them here, committed
    at once (left open, they would hold up another request creating the same)."""
    practice = current_practice()
    practice_rules = rules.rules_for(practice)
    quiet = QuietHoursForm(quiet_start=practice.quiet_start, quiet_end=practice.quiet_end)
    texting = TextingForm(name_provider=practice.name_provider,
                          reminders_per_day=practice.reminders_per_day,
                          reminders_per_week=practice.reminders_per_week)
    return render_template("reminders/rules.html", rules=practice_rules, quiet_form=quiet,
                           texting_form=texting, max_rules=rules.MAX_RULES,
                           journey_rules=journey_defaults.journey_rules_for(practice))


def _show_error(form: RuleForm, error: rules.RuleError) -> None:
    form[error.field].errors.append(error.message)


@bp.route("/rules/new", methods=["GET", "POST"])
@unit_of_work()
def new_rule():
    form = RuleForm()
    types, providers = _scope_choices(form)
    if request.method == "GET":
        form.hours_before.data = 24
        form.enabled.data = True
        form.appointment_type.data = request.args.get("appointment_type", 0, type=int)
        defaults = templates.default_templates(current_practice().name_provider)
        for language in Language:
            form[f"body_{language.value}"].data = defaults[language]
    if form.validate_on_submit():
        try:
            rules.add_rule(current_practice(), minutes_before=form.hours_before.data * 60,
                           enabled=form.enabled.data, bodies=_bodies(form),
                           **_scope(form, types, providers),
                           when_confirmed=WhenConfirmed(form.when_confirmed.data))
        except rules.RuleError as error:
            rollback()
            _show_error(form, error)
        else:
            flash("Rule added. Appointments ahead get this reminder too.", "success")
            return redirect(url_for(".index"), code=303)
    return render_template("reminders/rule.html", form=form, rule=None, previews=previews(form),
                           placeholders=templates.PLACEHOLDERS, types=types,
                           providers=providers)


@bp.route("/rules/<int:rule_id>", methods=["GET", "POST"])
@unit_of_work()
def edit_rule(rule_id: int):
    rule = get_or_404(ReminderRule, rule_id)
    if rule.kind is not RuleKind.BEFORE_VISIT:
        return _edit_journey_rule(rule)
    form = RuleForm()
    types, providers = _scope_choices(form)
    if request.method == "GET":
        form.hours_before.data = rule.minutes_before // 60
        form.enabled.data = rule.enabled
        form.appointment_type.data = rule.appointment_type_id or 0
        form.provider.data = rule.provider_id or 0
        form.when_confirmed.data = rule.when_confirmed.value
        for language in Language:
            template = rule.template_for(language)
            form[f"body_{language.value}"].data = (
                template.body if template else templates.DEFAULT_TEMPLATES[language])
    if form.validate_on_submit():
        minutes = form.hours_before.data * 60
        if rule.minutes_before % 60 and form.hours_before.data == rule.minutes_before // 60:
            minutes = rule.minutes_before  # keep a lead time set in minutes elsewhere
        try:
            rules.update_rule(rule, minutes_before=minutes, enabled=form.enabled.data,
                              bodies=_bodies(form), **_scope(form, types, providers),
                              when_confirmed=WhenConfirmed(form.when_confirmed.data))
        except rules.RuleError as error:
            rollback()
            _show_error(form, error)
        else:
            flash(f"Saved the reminder {rule.label}.", "success")
            return redirect(url_for(".index"), code=303)
    return render_template("reminders/rule.html", form=form, rule=rule, previews=previews(form),
                           placeholders=templates.PLACEHOLDERS, types=types,
                           providers=providers)


def _edit_journey_rule(rule: ReminderRule):
    """A notice's rule: the same editor (texts, live preview, parts), its own number."""
    form = JourneyRuleForm()
    if rule.kind in journey_rules.HOURS:
        form.hours.label.text = journey_rules.HOURS[rule.kind][0]
    else:
        del form.hours
    if request.method == "GET":
        form.enabled.data = rule.enabled
        if "hours" in form:
            form.hours.data = journey_rules.hours_of(rule)
        for language in Language:
            template = rule.template_for(language)
            form[f"body_{language.value}"].data = (
                template.body if template
                else journey_defaults.default_bodies(rule.kind)[language])
    if form.validate_on_submit():
        try:
            journey_rules.update_journey_rule(
                rule, enabled=form.enabled.data,
                hours=form.hours.data if "hours" in form else None, bodies=_bodies(form))
        except rules.RuleError as error:
            rollback()
            _show_error(form, error)
        else:
            flash(f"Saved the {rule.label.lower()}.", "success")
            return redirect(url_for(".index"), code=303)
    return render_template("reminders/rule.html", form=form, rule=rule, previews=previews(form),
                           placeholders=templates.PLACEHOLDERS)


@bp.post("/quiet-hours")
@unit_of_work()
def quiet_hours():
    form = QuietHoursForm()
    if form.validate_on_submit():
        rules.set_quiet_hours(current_practice(), start=form.quiet_start.data,
                              end=form.quiet_end.data)
        flash("Saved the quiet hours. Reminders ahead were planned again.", "success")
    else:
        flash("Give both times, e.g. 20:00 and 08:00.", "danger")
    return redirect(url_for(".index"), code=303)


@bp.post("/texting")
def texting():
    form = TextingForm()
    if not form.validate_on_submit():
        problems = [error for field in form for error in field.errors]
        flash(" ".join(problems) or "Please check the form.", "danger")
        return redirect(url_for(".index"), code=303)
    with unit_of_work():
        rules.set_texting(current_practice(), name_provider=form.name_provider.data,
                          per_day=form.reminders_per_day.data,
                          per_week=form.reminders_per_week.data)
    flash("Saved. Reminders ahead were planned again.", "success")
    return redirect(url_for(".index"), code=303)


@bp.post("/preview")
def preview():
    """The live preview: `{"body": …, "language": "en"}` → the rendered sample and its cost,
    or `{"error": …}` for a template that cannot be used."""
    data = request.get_json(silent=True) or {}
    body = data.get("body")
    try:
        language = Language(data.get("language", Language.EN.value))
    except ValueError:
        return jsonify(error="Unknown language."), 400
    if not isinstance(body, str) or len(body) > 2000:
        return jsonify(error="Send the text to preview (at most 2000 characters)."), 400
    try:
        shown = templates.preview(body, sample_details(language))
    except templates.TemplateError as error:
        return jsonify(error=str(error)), 200
    return jsonify(shown.as_dict())
