from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CopyView, EditView, SnippetViewSet, SnippetViewSetGroup

from .models import Attempt, Question, QuestionBank, Quiz
from .shortfall import question_deletion_refusal


class ShownOnlyCopyView(CopyView):
    """The copy page only shows the form, filled in; it is sent to the add page. A form sent back to the copy page
    itself would be saved over the quiz, bank or question being copied (Wagtail's copy view edits the original), past
    the edit page's own checks and logged as an addition."""

    http_method_names = ["get", "head", "options"]


class SavedOneAtATimeEditView(EditView):
    """A save holds the quiz's or question's row from reading it to writing it, so that its form's check that the
    page was opened from the saved one (`forms.UnchangedSinceOpenedForm`) still holds when it writes: two saves at the
    same moment both passed it, read before either wrote, and the later undid the other unsaid."""

    def post(self, request, *args, **kwargs):
        with transaction.atomic():
            self.object = self.model._default_manager.select_for_update().get(pk=self.object.pk)
            return super().post(request, *args, **kwargs)


class QuestionBankViewSet(SnippetViewSet):
    model = QuestionBank
    icon = "folder-open-inverse"
    copy_view_class = ShownOnlyCopyView
    list_display = ["title"]


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    copy_view_class = ShownOnlyCopyView
    edit_view_class = SavedOneAtATimeEditView
    list_display = ["__str__", "bank", "kind", "clause", "active"]
    list_filter = ["bank", "kind", "active"]
    # The search box searches the model's index (Question.search_fields). Naming fields here made the search on
    # SQLite, the embedded default, a server error ("no such column: stem"): its index holds no column by that name.


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "tasks"
    copy_view_class = ShownOnlyCopyView
    edit_view_class = SavedOneAtATimeEditView
    list_display = ["title", "questions_per_attempt", "pass_mark"]


class QuizzesGroup(SnippetViewSetGroup):
    menu_label = "Quizzes"
    menu_icon = "tasks"
    menu_order = 300
    items = (QuizViewSet, QuestionBankViewSet, QuestionViewSet)


register_snippet(QuizzesGroup)


@hooks.register("register_account_records")
def quiz_attempts_name_an_account():
    """A quiz attempt, with what was asked and answered, holds the account (`portal.accounts.deletion`)."""
    return [("quiz attempts", Attempt.objects.all(), "user")]


@hooks.register("before_delete_snippet")
def refuse_deleting_questions_a_quiz_needs(request, instances):
    """A question's own delete (before its confirmation is shown) and the listing's bulk delete: refused as a whole
    when it would leave a quiz asking more questions in each attempt than its banks hold (`shortfall`), naming each
    quiz. Quizzes and banks are `modules.quiz_deletion`'s concern."""
    refusals = question_deletion_refusal(instances)
    if not refusals:
        return None
    for refusal in refusals:
        messages.error(request, refusal)
    if len(instances) == 1:
        return redirect("wagtailsnippets_quizzes_question:edit", instances[0].pk)
    return redirect("wagtailsnippets_quizzes_question:list")
