"""Reads the demo content shipped in portal/demo/content/ (TOML) into plain values the loader builds pages from."""

import html
import tomllib
from dataclasses import dataclass
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent / "content"


def paragraphs(text: str) -> str:
    """Plain text with blank-line paragraph breaks, as escaped HTML paragraphs."""
    parts = [part.strip() for part in (text or "").replace("\r\n", "\n").split("\n\n")]
    return "".join(f"<p>{html.escape(' '.join(part.split()))}</p>" for part in parts if part)


@dataclass(frozen=True)
class DemoContent:
    policy: dict
    modules: list[dict]


def load_content(directory: Path = CONTENT_DIR) -> DemoContent:
    with open(directory / "policy.toml", "rb") as handle:
        policy = tomllib.load(handle)
    modules = []
    for path in sorted((directory / "modules").glob("*.toml")):
        with open(path, "rb") as handle:
            modules.append(tomllib.load(handle))
    return DemoContent(policy=policy, modules=modules)


def module_body(module: dict) -> list[tuple[str, object]]:
    """The module's StreamField body (without its quiz block) from its TOML blocks."""
    body = []
    for block in module["blocks"]:
        kind = block["type"]
        if kind == "text":
            body.append(("text", block["html"]))
        elif kind == "key_point":
            body.append(
                (
                    "key_point",
                    {"heading": block["heading"], "text": paragraphs(block["text"]), "clause": block.get("clause", "")},
                )
            )
        elif kind == "scenario":
            body.append(
                (
                    "scenario",
                    {
                        "title": block["title"],
                        "situation": paragraphs(block["situation"]),
                        "question": block.get("question", "What should you do?"),
                        "options": [
                            {
                                "text": option["text"],
                                "expected": bool(option["expected"]),
                                "feedback": paragraphs(option["feedback"]),
                            }
                            for option in block["options"]
                        ],
                        "clauses": ", ".join(block["clauses"]),
                    },
                )
            )
        else:
            raise ValueError(f"Module {module['slug']!r} has a block of unknown type {kind!r}.")
    return body
