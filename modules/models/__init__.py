from .learning import ModuleCompletion, ScenarioResponse
from .pages import ContentPage, HomePage, ModuleIndexPage, ModulePage, PolicyAmendment, PolicyPage

__all__ = [
    "ContentPage",
    "HomePage",
    "ModuleCompletion",
    "ModuleIndexPage",
    "ModulePage",
    "PolicyAmendment",
    "PolicyPage",
    "ScenarioResponse",
]
