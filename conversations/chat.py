"""Writes of the questionnaire chat: every change to a proposal conversation.

Keyword-only, atomic, and the conversation row is locked while its metadata
is read and written back (two tabs answering at once must not lose an
answer). Each turn stores the user's message and the assistant's reply as
`Message` rows and the structured answers in `Conversation.metadata` (format
in conversations/questionnaire.py and conversations/selectors.py).

A bad answer is not an exception here: it is stored as the user's message
followed by the assistant's explanation, and the question stays open.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from projects.models import Phase, Project
from projects.services import activity_record

from .analysis import AnalysisError, read_analysis
from .models import Conversation, Message
from .questionnaire import (
    AnswerError,
    Question,
    Questionnaire,
    language,
    questionnaire_for,
    ratio_problem,
    skip_answer,
    validate_answer,
)
from .selectors import initial_metadata, sync_metadata

METADATA_VERSION = 1


class ChatError(Exception):
    """A request the chat cannot act on (a question that does not exist); the message is for the user."""


@dataclass
class TurnResult:
    accepted: list[str] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)
    completed: bool = False


def conversation_for_project(project: Project) -> Conversation:
    """The project's proposal conversation, created (with what the project already says)
    the first time. Safe under concurrency: one conversation per project phase."""
    conversation = Conversation.objects.filter(project=project, phase=Phase.PROPOSAL).order_by("pk").first()
    if conversation is not None:
        return conversation
    try:
        with transaction.atomic():
            return Conversation.objects.create(
                project=project, owner=project.owner, phase=Phase.PROPOSAL, metadata=initial_metadata(project)
            )
    except IntegrityError:
        return Conversation.objects.get(project=project, phase=Phase.PROPOSAL)


def _locked(project: Project) -> Conversation:
    conversation = conversation_for_project(project)
    return Conversation.objects.select_for_update().get(pk=conversation.pk)


def _answers(conversation: Conversation) -> dict[str, dict[str, Any]]:
    answers = conversation.metadata.get("answers")
    if not isinstance(answers, dict):
        answers = {}
        conversation.metadata["answers"] = answers
    return answers


def _questionnaire(project: Project, conversation: Conversation) -> Questionnaire:
    return questionnaire_for(project.sector, _answers(conversation))


def _values(questionnaire: Questionnaire, answers: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return questionnaire.effective_values(answers)


def _say(conversation: Conversation, role: str, content: str, **metadata: Any) -> Message:
    return Message.objects.create(conversation=conversation, role=role, content=content, metadata=metadata)


def _ask(conversation: Conversation, question: Question) -> None:
    """Record the question being answered, unless it is the last thing the assistant asked."""
    last = conversation.messages.filter(role=Message.Role.ASSISTANT).order_by("-created", "-pk").first()
    if last is not None and last.metadata.get("kind") == "question" and last.metadata.get("key") == question.key:
        return
    _say(conversation, Message.Role.ASSISTANT, question.text(), kind="question", key=question.key)


def _store(conversation: Conversation, key: str, answer: dict[str, Any]) -> None:
    _answers(conversation)[key] = answer


def _after_change(project: Project, conversation: Conversation, actor: AbstractBaseUser | None, was_complete: bool) -> bool:
    """Drop answers an edit made invalid, keep the project's subsector in step, save, and
    mark completion. Returns whether the questionnaire is complete now."""
    answers = _answers(conversation)
    questionnaire = _questionnaire(project, conversation)
    # A peak flow checked against an average flow that has since changed.
    values = _values(questionnaire, answers)
    for question in questionnaire.applicable(answers):
        answer = answers.get(question.key)
        value = (answer or {}).get("value")
        if not question.ratio_to or not answer or answer.get("skipped") or not isinstance(value, (int, float)):
            continue
        problem = ratio_problem(question, float(value), values)
        if problem:
            del answers[question.key]
            _say(
                conversation,
                Message.Role.ASSISTANT,
                _("Your answer to “%(question)s” no longer fits: %(reason)s I will ask it again.")
                % {"question": question.text(), "reason": problem},
                kind="notice",
                key=question.key,
            )
    sync_metadata(conversation.metadata, project)
    subsector = (answers.get("subsector") or {}).get("value") or ""
    if subsector and subsector != project.subsector:
        Project.objects.filter(pk=project.pk).update(subsector=subsector)
        project.subsector = subsector
    complete = questionnaire_for(project.sector, answers).is_complete(answers)
    conversation.metadata["complete"] = complete
    conversation.save(update_fields=["metadata", "updated"])
    if complete and not was_complete:
        _say(
            conversation,
            Message.Role.ASSISTANT,
            _("That is everything I need. Check the summary: you can change any answer before the proposal starts."),
            kind="complete",
        )
        activity_record(project=project, actor=actor, verb="questionnaire.completed")
    return complete


def _question_or_error(questionnaire: Questionnaire, key: str) -> Question:
    question = next((q for q in questionnaire.questions if q.key == key), None)
    if question is None:
        raise ChatError(_("That question is not part of this questionnaire."))
    return question


@transaction.atomic
def chat_answer(
    *, project: Project, actor: AbstractBaseUser, key: str, raw: Any, unit: str | None = None
) -> TurnResult:
    """Answer (or change the answer to) one question."""
    conversation = _locked(project)
    answers = _answers(conversation)
    was_complete = bool(conversation.metadata.get("complete"))
    questionnaire = _questionnaire(project, conversation)
    question = _question_or_error(questionnaire, key)
    editing = key in answers
    _ask(conversation, question)
    shown = ", ".join(raw) if isinstance(raw, (list, tuple)) else str(raw or "").strip()
    values = _values(questionnaire, answers)
    try:
        answer = validate_answer(question, raw, unit=unit or None, values=values)
    except AnswerError as exc:
        _say(conversation, Message.Role.USER, _user_text(question, shown, unit), kind="answer", key=key, rejected=True)
        _say(
            conversation,
            Message.Role.ASSISTANT,
            _("%(reason)s Please answer again.") % {"reason": exc},
            kind="error",
            key=key,
        )
        sync_metadata(conversation.metadata, project)
        conversation.save(update_fields=["metadata", "updated"])
        return TurnResult(rejected={key: str(exc)})
    _say(
        conversation,
        Message.Role.USER,
        answer["text"],
        kind="answer",
        key=key,
        edited=editing,
    )
    _store(conversation, key, answer)
    complete = _after_change(project, conversation, actor, was_complete)
    return TurnResult(accepted=[key], completed=complete)


def _user_text(question: Question, text: str, unit: str | None) -> str:
    """What the user sent, as the chat shows it: '500' with the unit chosen next to it."""
    if question.type != "quantity" or not text or not unit or any(ch.isalpha() or ch in "%°$" for ch in text):
        return text
    from .quantities import DIMENSIONS, unit_label

    return f"{text} {unit_label(DIMENSIONS[question.dimension or 'count'], unit)}"


@transaction.atomic
def chat_skip(*, project: Project, actor: AbstractBaseUser, key: str) -> TurnResult:
    """'I do not know': the default stands (the summary and the proposal say so)."""
    conversation = _locked(project)
    answers = _answers(conversation)
    was_complete = bool(conversation.metadata.get("complete"))
    questionnaire = _questionnaire(project, conversation)
    question = _question_or_error(questionnaire, key)
    _ask(conversation, question)
    _say(conversation, Message.Role.USER, _("I do not know."), kind="skip", key=key)
    if not question.can_skip:
        _say(
            conversation,
            Message.Role.ASSISTANT,
            _("I need this one to size the plant; an estimate is fine."),
            kind="error",
            key=key,
        )
        conversation.save(update_fields=["metadata", "updated"])
        return TurnResult(rejected={key: "required"})
    answer = skip_answer(question, project.sector, _values(questionnaire, answers))
    _store(conversation, key, answer)
    _say(conversation, Message.Role.ASSISTANT, _default_note(question, answer), kind="default", key=key)
    complete = _after_change(project, conversation, actor, was_complete)
    return TurnResult(accepted=[key], completed=complete)


def _default_note(question: Question, answer: Mapping[str, Any]) -> str:
    if answer.get("value") is None:
        if question.engine_default:
            return _("No problem: a typical value will be used (default).")
        return _("No problem: left blank.")
    return _("No problem: %(value)s will be used (default).") % {"value": question.display(answer)}


@transaction.atomic
def chat_use_defaults(*, project: Project, actor: AbstractBaseUser) -> TurnResult:
    """Skip every optional question still open (and those that open up as a result)."""
    conversation = _locked(project)
    answers = _answers(conversation)
    was_complete = bool(conversation.metadata.get("complete"))
    skipped: list[str] = []
    blocked: Question | None = None
    for _round in range(100):
        questionnaire = _questionnaire(project, conversation)
        open_questions = [q for q in questionnaire.applicable(answers) if q.key not in answers]
        skippable = [q for q in open_questions if q.can_skip]
        if not skippable:
            blocked = open_questions[0] if open_questions else None
            break
        question = skippable[0]
        _store(conversation, question.key, skip_answer(question, project.sector, _values(questionnaire, answers)))
        skipped.append(question.key)
    _say(conversation, Message.Role.USER, _("Use the defaults for the rest."), kind="defaults")
    questionnaire = _questionnaire(project, conversation)
    if skipped:
        names = ", ".join(q.short_text() for k in skipped if (q := questionnaire.question(k)) is not None)
        text = _("Defaults will be used for: %(names)s.") % {"names": names}
    else:
        text = _("There were no optional questions left.")
    if blocked is not None:
        text += " " + _("I still need an answer to: %(question)s") % {"question": blocked.text()}
    _say(conversation, Message.Role.ASSISTANT, text, kind="defaults_report", keys=skipped)
    complete = _after_change(project, conversation, actor, was_complete)
    return TurnResult(accepted=skipped, completed=complete)


@transaction.atomic
def chat_free_text(*, project: Project, actor: AbstractBaseUser, text: str) -> TurnResult:
    """A message in the user's words: read the values it gives (with the LLM when one is
    configured, the parser otherwise), validate each, and answer what was understood."""
    text = str(text or "").strip()[:5000]
    conversation = _locked(project)
    answers = _answers(conversation)
    was_complete = bool(conversation.metadata.get("complete"))
    _say(conversation, Message.Role.USER, text, kind="free_text")
    questionnaire = _questionnaire(project, conversation)
    from .extraction import extract  # pydantic-ai: imported when a message needs it

    # The subsector first: it decides which questions exist.
    found, via = extract(text, questionnaire, answers)
    if "subsector" in found.found and "subsector" not in answers:
        try:
            answer = validate_answer(questionnaire.question("subsector"), found.found["subsector"].text, source=_source(via))
        except AnswerError:
            pass
        else:
            _store(conversation, "subsector", answer)
            questionnaire = _questionnaire(project, conversation)
            found, via = extract(text, questionnaire, answers)
    result = TurnResult()
    read: list[list[str]] = []
    for key, item in found.found.items():
        question = questionnaire.question(key)
        if question is None or key == "subsector" and key in answers:
            continue
        try:
            answer = validate_answer(question, item.text, values=_values(questionnaire, answers), source=_source(via))
        except AnswerError as exc:
            result.rejected[key] = str(exc)
            continue
        _store(conversation, key, answer)
        result.accepted.append(key)
        read.append([key, _label(question), question.display(answer)])
    for key, problem in found.problems.items():
        question = questionnaire.question(key)
        result.rejected[key] = problem
    current = questionnaire.next_question(answers) if not read and not result.rejected else None
    if current is not None and not found.unassigned:
        # Nothing recognised: perhaps it is simply the answer to the open question.
        try:
            answer = validate_answer(current, text, values=_values(questionnaire, answers), source="free_text")
        except AnswerError:
            pass
        else:
            _store(conversation, current.key, answer)
            result.accepted.append(current.key)
            read.append([current.key, _label(current), current.display(answer)])
    problems = [
        [key, _label(q) if (q := questionnaire.question(key)) else key, message]
        for key, message in result.rejected.items()
    ]
    if read:
        reply = _("I read: %(values)s.") % {"values": "; ".join(f"{label}: {value}" for _k, label, value in read)}
    elif problems:
        reply = _("I could not use what you wrote.")
    else:
        reply = _(
            "I did not find any value I can use. Write, for example, “flow 500 m3/d, COD 3000 mg/L, pH 6.5”, "
            "or answer the question below."
        )
    _say(
        conversation,
        Message.Role.ASSISTANT,
        reply,
        kind="extraction",
        via=via,
        read=read,
        problems=problems,
        unassigned=found.unassigned[:10],
    )
    result.completed = _after_change(project, conversation, actor, was_complete)
    return result


def _source(via: str) -> str:
    return "agent" if via == "agent" else "free_text"


def _label(question: Question) -> str:
    return question.short_text()


@transaction.atomic
def chat_upload(
    *, project: Project, actor: AbstractBaseUser, filename: str, data: bytes, size: int | None = None
) -> TurnResult:
    """A water analysis (CSV/XLSX): every value it holds becomes an answer, with a report."""
    conversation = _locked(project)
    answers = _answers(conversation)
    was_complete = bool(conversation.metadata.get("complete"))
    filename = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    size = max(size or 0, len(data or b""))
    _say(conversation, Message.Role.USER, filename or "—", kind="upload", filename=filename, size=size)
    questionnaire = _questionnaire(project, conversation)
    try:
        report = read_analysis(filename, data or b"", questionnaire, _values(questionnaire, answers), size=size)
    except AnalysisError as exc:
        _say(
            conversation,
            Message.Role.ASSISTANT,
            (_("I could not read “%(name)s”: %(reason)s") % {"name": filename, "reason": exc}) if filename else str(exc),
            kind="upload_report",
            filename=filename,
            error=str(exc),
        )
        conversation.save(update_fields=["metadata", "updated"])
        return TurnResult(rejected={"file": str(exc)})
    for item in report.read:
        _store(conversation, item.key, item.answer)
    details = report.as_metadata(questionnaire)
    if report.read:
        content = _("From “%(name)s” I read %(count)d values.") % {"name": filename, "count": len(report.read)}
    else:
        content = _("I found no value I could use in “%(name)s”.") % {"name": filename}
    if report.ignored:
        content += " " + _("Ignored: %(count)d.") % {"count": len(report.ignored)}
    _say(conversation, Message.Role.ASSISTANT, content, kind="upload_report", **details)
    uploads = conversation.metadata.setdefault("uploads", [])
    if isinstance(uploads, list):
        uploads.append({"filename": filename, "read": [r.key for r in report.read], "ignored": len(report.ignored)})
        del uploads[:-20]
    if report.read:
        activity_record(
            project=project,
            actor=actor,
            verb="questionnaire.analysis_uploaded",
            data={"filename": filename, "count": len(report.read)},
        )
    completed = _after_change(project, conversation, actor, was_complete)
    return TurnResult(accepted=[r.key for r in report.read], completed=completed)


def language_code() -> str:
    return language()
