from django import forms
from django.core.exceptions import ValidationError
from wagtail.admin.forms import WagtailAdminModelForm

from . import scoring


def choice_rule_errors(kind: str, choices: list[tuple[str, bool]]) -> list[str]:
    """What is wrong with a question's choices for its kind, as messages an editor can act on.

    `choices` is a list of (text, is_correct) pairs.
    """
    right = sum(1 for _, is_correct in choices if is_correct)
    errors = []
    if len(choices) < 2:
        errors.append("Give at least two choices.")
    if kind == scoring.SINGLE and right != 1:
        errors.append(f"A one-answer question needs exactly one right choice; {right} are marked right.")
    if kind == scoring.MULTIPLE and right < 2:
        errors.append("A several-answers question needs at least two right choices; otherwise use one answer.")
    if kind == scoring.TRUE_FALSE:
        texts = sorted(text.strip().lower() for text, _ in choices)
        if texts != ["false", "true"]:
            errors.append("A true-or-false question has exactly two choices: True and False.")
        elif right != 1:
            errors.append("Mark either True or False as the right answer.")
    return errors


class UnchangedSinceOpenedForm(WagtailAdminModelForm):
    """The CMS's edit form of something learners are marked against (a quiz, a question). One sent from a page opened
    before someone else saved the same quiz or question (a second tab, a colleague) is refused, naming why, and saves
    nothing: it would put back what the page showed and undo the other change unsaid (Wagtail checks this only for
    models with revisions). Compared by the model's `changed_at`; a form sent without it is let through."""

    saved_as = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        changed_at = self.instance.changed_at if self.instance.pk else None
        self.saved_as_now = changed_at.isoformat() if changed_at else ""  # as saved, read with the page or the POST
        self.fields["saved_as"].initial = self.saved_as_now

    def clean(self):
        cleaned = super().clean()
        sent = self.data.get(self.add_prefix("saved_as"))
        if self.instance.pk and sent is not None and sent != self.saved_as_now:
            noun = self._meta.model._meta.verbose_name
            self.add_error(
                None,
                f"Someone saved this {noun} after you opened this page, so saving it would undo their change. "
                f"Nothing was saved: open the {noun} again to see what they changed, then make your change.",
            )
        return cleaned


class QuestionAdminForm(UnchangedSinceOpenedForm):
    def save(self, commit=True):
        """Saved with nothing changed (`Question.content_as_saved`: its wording, its choices and their order), the
        question keeps its `changed_at`: an attempt begun before asks what it still asks, and is not restarted."""
        from .models import Question

        pk = self.instance.pk
        before = Question.content_as_saved(pk) if pk and commit else None
        stamped = self.instance.changed_at  # as read with the form: `save` is what stamps it (auto_now)
        instance = super().save(commit=commit)
        if before is not None and Question.content_as_saved(pk) == before:
            Question.objects.filter(pk=pk).update(changed_at=stamped)
            instance.changed_at = stamped
        return instance

    def clean(self):
        cleaned = super().clean()
        self._refuse_leaving_a_quiz_short(cleaned)
        formset = self.formsets.get("choices")
        if formset is None or not formset.is_valid():
            return cleaned
        choices = [
            (form.cleaned_data.get("text", ""), bool(form.cleaned_data.get("is_correct")))
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        for message in choice_rule_errors(cleaned.get("kind", scoring.SINGLE), choices):
            self.add_error(None, message)
        return cleaned

    def _refuse_leaving_a_quiz_short(self, cleaned) -> None:
        """Unticking "active", or moving the question to a bank a quiz does not draw from, is refused (on that field)
        when a quiz drawing from it would be left with fewer active questions than it asks in each attempt."""
        from .models import Question
        from .shortfall import quizzes_left_short

        bank = cleaned.get("bank")
        as_saved = Question.objects.filter(pk=self.instance.pk).values("bank_id", "active").first()
        if bank is None or as_saved is None or not as_saved["active"]:  # new, or counted by no quiz already
            return
        if not cleaned.get("active"):
            field, kept_in, change = "active", None, "Unticking “active”"
        elif bank.pk != as_saved["bank_id"]:
            field, kept_in, change = "bank", bank, f"Moving this question to “{bank}”"
        else:
            return
        for shortfall in quizzes_left_short(question_ids=[self.instance.pk], kept_in=kept_in):
            self.add_error(field, shortfall.refusal(change))


def field_name(question: scoring.FrozenQuestion) -> str:
    return f"q{question.id}"


def sent_several_for_one(question: scoring.FrozenQuestion, sent: list[str]) -> bool:
    """A one-answer question sent with more than one answer: a radio sends one value, so a form sending two (which a
    ChoiceField would take the last of, unsaid) is refused on that question, and answers kept for later keep none."""
    return not question.allows_several and len(set(sent)) > 1


class AttemptForm(forms.Form):
    """The questions of one attempt as radios (one answer) or checkboxes (several answers)."""

    def __init__(self, *args, questions: list[scoring.FrozenQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for number, question in enumerate(questions, start=1):
            options = [(choice.id, choice.text) for choice in question.choices]
            if question.allows_several:
                field = forms.MultipleChoiceField(choices=options, widget=forms.CheckboxSelectMultiple)
            else:
                field = forms.ChoiceField(choices=options, widget=forms.RadioSelect)
            field.required = True
            field.error_messages["required"] = (
                f"Question {number}: select all the answers that apply"
                if question.allows_several
                else f"Question {number}: select an answer"
            )
            field.error_messages["invalid_choice"] = f"Question {number}: that answer is not one of the choices"
            self.fields[field_name(question)] = field

    def answers(self) -> dict[str, list[str]]:
        """Answers keyed by question id, each a list of choice ids (also usable on invalid forms, to keep input)."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        result = {}
        for question in self.questions:
            value = data.get(field_name(question))
            if value is None and self.is_bound:
                value = self.data.getlist(field_name(question)) if hasattr(self.data, "getlist") else []
            if isinstance(value, str):
                value = [value]
            if value:
                result[question.id] = list(dict.fromkeys(value))  # a choice sent twice is chosen once
        return result

    def error_list(self) -> list[tuple[str, str]]:
        """(anchor id, message) pairs for the NHS.UK error summary, in question order."""
        pairs = []
        for question in self.questions:
            name = field_name(question)
            for error in self.errors.get(name, []):
                pairs.append((f"id_{name}_0", error))
        return pairs

    def clean(self):
        cleaned = super().clean()
        if not self.questions:
            raise ValidationError("This attempt has no questions.")
        sent = getattr(self.data, "getlist", lambda name: [])
        several = {}
        for number, question in enumerate(self.questions, start=1):
            name = field_name(question)
            if sent_several_for_one(question, sent(name)):
                several[name] = f"Question {number}: select only one answer"
        if several:
            # Sent back with neither ticked, as when kept at the session's expiry: a radio would show the last one sent,
            # which the person may not have meant, and a second press of Submit would record it.
            self.data = self.data.copy()
            for name, message in several.items():
                self.data.pop(name, None)
                self.add_error(name, message)
        return cleaned
