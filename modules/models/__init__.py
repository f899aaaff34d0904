from .learning import ModuleCompletion, ReviewFlag, ScenarioResponse
from .pages import ContentPage, HomePage, ModuleIndexPage, ModulePage, PolicyAmendment, PolicyPage

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
