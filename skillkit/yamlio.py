"""Safe YAML loading that remembers line numbers and turns pydantic errors into Problems."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from skillkit.errors import InputError, Problem

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000  # values built, counting each alias expansion: stops "billion laughs"
MAX_DEPTH = 50

SAFE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}"
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
)
Location = tuple[str | int, ...]
ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class YamlDocument:
    """Plain data read from a YAML file, with the line of every key and item."""

    path: Path
    display: str
    data: Any
    lines: Mapping[Location, int]

    def line_of(self, loc: Sequence[str | int]) -> int:
        """Line of the deepest known node on `loc` (header line 1 when nothing matches)."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return 1

    def problem(self, loc: Sequence[str | int], message: str) -> Problem:
        """A Problem located at `loc` in this file."""
        return Problem(self.display, self.line_of(loc), format_location(loc), message)


def format_location(loc: Sequence[str | int]) -> str:
    """('competencies', 2, 'levels') → 'competencies[2].levels'."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


class _Builder:
    """Builds Python data from a composed node tree, recording lines and bounding expansion."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.lines: dict[Location, int] = {}
        self.count = 0
        self.constructor = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, loc: Location) -> Any:
        self.count += 1
        if self.count > MAX_NODES or len(loc) > MAX_DEPTH:
            raise InputError(
                [
                    Problem(
                        self.display,
                        node.start_mark.line + 1,
                        "yaml",
                        f"document expands to more than {MAX_NODES} values or "
                        f"{MAX_DEPTH} levels of nesting (runaway aliases?)",
                    )
                ]
            )
        self.lines.setdefault(loc, node.start_mark.line + 1)
        if node.tag not in SAFE_TAGS:
            raise InputError(
                [
                    Problem(
                        self.display,
                        node.start_mark.line + 1,
                        "yaml",
                        f"tag {node.tag!r} is not allowed (plain YAML only)",
                    )
                ]
            )
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.constructor.construct_object(key_node, deep=True)
                if isinstance(key, list | dict):
                    key = str(key)
                if key in result:
                    raise InputError(
                        [
                            Problem(
                                self.display,
                                key_node.start_mark.line + 1,
                                format_location((*loc, key)),
                                "duplicate key",
                            )
                        ]
                    )
                self.lines[(*loc, key)] = key_node.start_mark.line + 1
                result[key] = self.build(value_node, (*loc, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        return self.constructor.construct_object(node)


def load_yaml(path: Path, display: str | None = None) -> YamlDocument:
    """Read one YAML file safely (size, alias and depth limits) into plain data with lines."""
    shown = display or str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError([Problem(shown, None, "", f"cannot read file: {exc.strerror}")]) from None
    if size > MAX_FILE_BYTES:
        raise InputError(
            [Problem(shown, None, "", f"file is {size} bytes; the limit is {MAX_FILE_BYTES}")]
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError([Problem(shown, None, "", "not UTF-8 text")]) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError([Problem(shown, line, "yaml", str(exc.problem or exc))]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(shown, None, "yaml", str(exc))]) from None
    if root is None:
        raise InputError([Problem(shown, None, "", "file is empty")])
    builder = _Builder(shown)
    try:
        data = builder.build(root, ())
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        raise InputError(
            [Problem(shown, mark.line + 1 if mark else None, "yaml", str(exc.problem))]
        ) from None
    return YamlDocument(path=path, display=shown, data=data, lines=builder.lines)


def _describe(value: Any) -> str:
    if isinstance(value, dict | list):
        return f"a {'mapping' if isinstance(value, dict) else 'list'}"
    return repr(value)


def validation_problems(
    doc: YamlDocument, error: ValidationError, root: type[BaseModel]
) -> list[Problem]:
    """One Problem per pydantic error, located and worded for the person editing the file."""
    items = [(_clean(item["loc"]), item) for item in error.errors(include_url=False)]
    # A typo such as `levles` also makes `levels` missing: say it once, at the typo.
    typos = {
        (tuple(loc[:-1]), hint)
        for loc, item in items
        if item["type"] == "extra_forbidden"
        for hint in difflib.get_close_matches(str(loc[-1]), _fields(root, loc[:-1]), n=1)
    }
    problems = []
    for loc, item in items:
        if item["type"] == "missing" and (tuple(loc[:-1]), loc[-1]) in typos:
            continue
        problems.append(doc.problem(loc, _message(root, loc, item)))
    return problems


def _clean(loc: Sequence[str | int]) -> list[str | int]:
    """Drop pydantic's internal location parts (validator names, '[key]' markers)."""
    return [part for part in loc if not (isinstance(part, str) and ("[" in part or "(" in part))]


def _message(root: type[BaseModel], loc: list[str | int], item: Any) -> str:
    kind, value = item["type"], item.get("input")
    parent = _model_at(root, loc[:-1])
    translation = getattr(parent, "is_translation", False)
    if kind == "extra_forbidden":
        return _unknown_key_message(str(loc[-1]), parent)
    if kind == "missing":
        return f"missing {'translation' if translation else 'required key'} {loc[-1]!r}"
    if kind == "string_too_short" and translation:
        return f"translation {loc[-1]!r} is empty"
    if kind in {"tuple_type", "list_type"}:
        return f"expected a list, got {_describe(value)}"
    if kind in {"model_type", "dict_type"}:
        return f"expected a mapping of keys to values, got {_describe(value)}"
    if kind == "string_pattern_mismatch":
        return f"expected an id of lowercase letters, digits, '-' and '_', got {_describe(value)}"
    if kind in {"value_error", "assertion_error"}:
        return str(item.get("ctx", {}).get("error", item["msg"]))
    if kind == "literal_error":
        note = (
            "; self-ratings carry no weight, they inform self-awareness only"
            if value == "self"
            else ""
        )
        what = "key" if "[key]" in item["loc"] else "value"
        return f"unknown {what} {value!r} (allowed: {item['ctx']['expected']}){note}"
    if (
        kind in {"greater_than_equal", "less_than_equal"}
        and loc
        and ("targets" in loc or loc[-1] == "level")
    ):
        return f"expected a level from 1 to 5, got {_describe(value)}"
    text = str(item["msg"])
    if text.startswith("Input should be "):
        text = "expected " + text.removeprefix("Input should be ")
        text = text.replace("expected greater", "expected a value greater").replace(
            "expected less", "expected a value less"
        )
    return f"{text[0].lower()}{text[1:]}, got {_describe(value)}"


def _fields(root: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    model = _model_at(root, loc)
    return sorted(model.model_fields) if model is not None else []


def _unknown_key_message(key: str, model: type[BaseModel] | None) -> str:
    if model is None:
        return f"unknown key {key!r}"
    allowed = _fields(model, ())
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown key {key!r} (allowed: {', '.join(allowed)}){hint}"


def _model_at(root: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The pydantic model class that validates the value at `loc`, if there is one."""
    current: Any = root
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel) and isinstance(part, str):
            field = current.model_fields.get(part)
            if field is None:
                return None
            current = field.annotation
        elif get_origin(current) in {tuple, list, dict}:
            args = [a for a in get_args(current) if a is not Ellipsis]
            current = args[-1] if args else None
        else:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Strip Optional / Annotated wrappers down to the type that holds the data."""
    while get_origin(annotation) in {Union, UnionType, Annotated}:
        args = [a for a in get_args(annotation) if a is not type(None)]
        annotation = args[0]
    return annotation


def parse_model(doc: YamlDocument, model: type[ModelT], extra: Sequence[Problem] = ()) -> ModelT:
    """Validate `doc` into `model`; report every error, plus `extra` ones, as located Problems."""
    problems = list(extra)
    try:
        result = model.model_validate(doc.data)
    except ValidationError as exc:
        problems.extend(validation_problems(doc, exc, model))
    if problems:
        raise InputError(sorted(set(problems), key=problem_order))
    return result


def problem_order(problem: Problem) -> tuple[str, int, str, str]:
    """Sort key: file, then line, then location."""
    return (problem.file, problem.line or 0, problem.where, problem.message)
