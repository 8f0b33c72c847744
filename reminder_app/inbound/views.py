"""Staff pages for patients' texts: the conversations, the unmatched inbox, the practice's own
reply words. Views parse, call `conversations`, and render or redirect."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required

from ..arguments import page_number
from ..clickatell.segments import GSM7_BASIC, GSM7_EXTENSION
from ..forms import ConfirmForm
from ..models import Intent, Message, MessageKind, Patient, PracticeKeyword
from ..patients import picker
from ..reminders.templates import CREDITS_PER_PART
from ..tenancy import current_practice, get_or_404
from ..transactions import rollback, unit_of_work
from . import conversations
from .conversations import ConversationError
from .forms import AttachForm, KeywordForm, StaffReplyForm
from .replies import has_opted_out
from .understanding import UNIVERSAL_OPT_OUT, WORDS, mentions_opt_out

bp = Blueprint("conversations", __name__, url_prefix="/conversations")

@bp.before_request
@login_required
def require_login():
    pass


@bp.get("")
def index():
    practice = current_practice()
    page = page_number()
    threads, more = conversations.threads(practice, page)
    return render_template("inbound/index.html", threads=threads, page=page, more=more,
                           unmatched_unread=conversations.unmatched_unread_count(practice))


@bp.get("/<int:patient_id>")
def thread(patient_id: int):
    patient = get_or_404(Patient, patient_id)
    return _thread_page(patient, StaffReplyForm())


def _thread_page(patient: Patient, form: StaffReplyForm):
    practice = current_practice()
    messages = conversations.thread_messages(practice, patient)
    return render_template(
        "inbound/thread.html", patient=patient, messages=messages,
        readings=conversations.readings(messages),
        questions=conversations.questions(messages),
        form=form, action_form=ConfirmForm(), opted_out=has_opted_out(patient),
        Intent=Intent,
        mentions_opt_out=mentions_opt_out, gsm7_basic="".join(sorted(GSM7_BASIC)),
        gsm7_extension="".join(sorted(GSM7_EXTENSION)),
        credits_per_part=CREDITS_PER_PART,
        max_parts=conversations.MAX_STAFF_REPLY_PARTS,
        unread=any(m.kind is MessageKind.REPLY and m.read_at is None for m in messages))


@bp.post("/<int:patient_id>/reply")
@unit_of_work()
def reply(patient_id: int):
    patient = get_or_404(Patient, patient_id)
    form = StaffReplyForm()
    if form.validate_on_submit():
        try:
            message = conversations.send_staff_reply(current_practice(), patient,
                                                     form.body.data)
        except ConversationError as error:
            rollback()
            form.body.errors.append(str(error))
        else:
            flash(f"Your answer to {patient.full_name} is on its way "
                  f"({message.parts} part{'s' if message.parts != 1 else ''}).", "success")
            return redirect(url_for(".thread", patient_id=patient.id), code=303)
    return _thread_page(patient, form), 422


@bp.post("/<int:patient_id>/handled")
@unit_of_work()
def thread_handled(patient_id: int):
    patient = get_or_404(Patient, patient_id)
    if ConfirmForm().validate_on_submit():
        conversations.mark_thread_handled(current_practice(), patient)
        flash(f"{patient.full_name}'s texts are marked handled.", "success")
    return redirect(url_for(".thread", patient_id=patient.id), code=303)


@bp.get("/unmatched")
def unmatched():
    practice = current_practice()
    messages = conversations.unmatched(practice)
    forms = {message.id: AttachForm(prefix=f"m{message.id}") for message in messages}
    return render_template("inbound/unmatched.html", messages=messages, forms=forms,
                           action_form=ConfirmForm(), has_patients=picker.has_patients())


@bp.post("/messages/<int:message_id>/attach")
@unit_of_work()
def attach(message_id: int):
    message = get_or_404(Message, message_id)
    form = AttachForm(prefix=f"m{message.id}")
    if form.validate_on_submit():
        patient = form.patient.chosen()
        try:
            conversations.attach(message, patient)
        except ConversationError as error:
            rollback()
            flash(str(error), "danger")
        else:
            flash(f"The text is now in {patient.full_name}'s conversation.", "success")
            return redirect(url_for(".thread", patient_id=patient.id), code=303)
    else:
        flash(" ".join(form.patient.errors) or "Please choose a patient.", "danger")
    return redirect(url_for(".unmatched"), code=303)


@bp.post("/messages/<int:message_id>/handled")
@unit_of_work()
def message_handled(message_id: int):
    message = get_or_404(Message, message_id)
    if ConfirmForm().validate_on_submit():
        conversations.mark_handled(message)
        flash("The text is marked handled.", "success")
    if message.patient_id is not None:
        return redirect(url_for(".thread", patient_id=message.patient_id), code=303)
    return redirect(url_for(".unmatched"), code=303)


@bp.route("/reply-words", methods=["GET", "POST"])
@unit_of_work()
def reply_words():
    practice = current_practice()
    form = KeywordForm()
    if form.validate_on_submit():
        try:
            keyword = conversations.add_keyword(practice, form.word.data,
                                                Intent(form.intent.data))
        except ConversationError as error:
            rollback()
            form.word.errors.append(str(error))
        else:
            flash(f"Patients may now reply “{keyword.word.upper()}” to mean "
                  f"{Intent(keyword.intent).label.lower()}.", "success")
            return redirect(url_for(".reply_words"), code=303)
    return render_template("inbound/reply_words.html", form=form,
                           keywords=conversations.keywords(practice), Intent=Intent,
                           builtin_words=WORDS, universal_opt_out=sorted(UNIVERSAL_OPT_OUT),
                           remove_form=ConfirmForm())


@bp.post("/reply-words/<int:keyword_id>/remove")
@unit_of_work()
def remove_reply_word(keyword_id: int):
    keyword = get_or_404(PracticeKeyword, keyword_id)
    if ConfirmForm().validate_on_submit():
        conversations.remove_keyword(keyword)
        flash(f"“{keyword.word.upper()}” is no longer a reply word.", "success")
    return redirect(url_for(".reply_words"), code=303)

