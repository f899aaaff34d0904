# In this order, not the alphabet's: the models register as they did when the pages shared one file (the front page,
# then the policy, then the modules), which fixes the order of their content types and of Wagtail's page types.
from .learning import ModuleCompletion, ReviewFlag, ScenarioResponse  # noqa: I001
from .pages import ContentPage, HomePage
from .policy import PolicyAmendment, PolicyPage
from .module import ModuleIndexPage, ModulePage

__all__ = [
    "ContentPage",
    "HomePage",
    "ModuleCompletion",
    "ModuleIndexPage",
    "ModulePage",
    "PolicyAmendment",
    "PolicyPage",
    "ReviewFlag",
    "ScenarioResponse",
]
