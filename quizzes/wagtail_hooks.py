from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Question, QuestionBank, Quiz


class QuestionBankViewSet(SnippetViewSet):
    model = QuestionBank
    icon = "folder-open-inverse"
    list_display = ["title"]


class QuestionViewSet(SnippetViewSet):
    model = Question
    icon = "help"
    list_display = ["__str__", "bank", "kind", "clause", "active"]
    list_filter = ["bank", "kind", "active"]
    search_fields = ["stem", "scenario"]


class QuizViewSet(SnippetViewSet):
    model = Quiz
    icon = "tasks"
    list_display = ["title", "questions_per_attempt", "pass_mark"]


class QuizzesGroup(SnippetViewSetGroup):
    menu_label = "Quizzes"
    menu_icon = "tasks"
    menu_order = 300
    items = (QuizViewSet, QuestionBankViewSet, QuestionViewSet)


register_snippet(QuizzesGroup)
