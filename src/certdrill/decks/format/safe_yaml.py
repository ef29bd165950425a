"""A safe YAML reader that keeps line numbers, refuses aliases, and caps file size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from certdrill.errors import CertdrillError

try:  # the C loader is several times faster; fall back when libyaml is missing
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

MAX_YAML_BYTES = 32 * 1024 * 1024


class Located(dict[Any, Any]):
    """A mapping that remembers the line it starts on and the line of each key."""

    __slots__ = ("duplicate_keys", "key_lines", "line")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}
        self.duplicate_keys: list[tuple[Any, int]] = []

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


MAX_DEPTH = 50  # a deck nests five levels; Python's own stack would give out near 250


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    depth = 0

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # An alias hands back a node already built. Refusing them outright stops
        # "billion laughs" expansion; deck files have no use for anchors.
        if node in self.constructed_objects:
            raise _AliasRefused(node.start_mark.line + 1)
        if self.depth >= MAX_DEPTH:
            raise _BadValue(node.start_mark.line + 1, f"nested more than {MAX_DEPTH} levels deep")
        self.depth += 1
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as exc:
            # PyYAML's own constructors build dates and numbers from the text as it is:
            # 2026-13-45 or an int of 5,000 digits raise here.
            raise _BadValue(node.start_mark.line + 1, str(exc)) from None
        finally:
            self.depth -= 1


class _AliasRefused(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _BadValue(Exception):
    def __init__(self, line: int, message: str) -> None:
        self.line, self.message = line, message


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Located:
    result = Located(node.start_mark.line + 1)
    for key_node, value_node in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise _AliasRefused(key_node.start_mark.line + 1)
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            hash(key)
        except TypeError:
            key = str(key)
        if key in result:
            result.duplicate_keys.append((key, line))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def read_yaml(path: Path, *, max_bytes: int = MAX_YAML_BYTES) -> Any:
    """Parse one YAML file; every failure becomes a CertdrillError naming the file and line."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CertdrillError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if size > max_bytes:
        raise CertdrillError(
            f"{path}: file is {size / 1048576:.1f} MiB, over the {max_bytes // 1048576} MiB limit"
        )
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CertdrillError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise CertdrillError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return parse_yaml(text, name=str(path))


def parse_yaml(text: str, *, name: str) -> Any:
    """Parse YAML text with the safe loader; `name` is used in messages."""
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    except _AliasRefused as exc:
        raise CertdrillError(f"{name}:{exc.line}: YAML anchors and aliases are not allowed") from None
    except _BadValue as exc:
        raise CertdrillError(f"{name}:{exc.line}: not a valid value ({exc.message[:100]})") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        what = exc.problem or exc.context or "invalid YAML"
        if "could not determine a constructor" in str(what):
            what = f"tag not allowed ({what.split('for the tag')[-1].strip()})"
        raise CertdrillError(f"{name}:{line}: {what}") from None
    except yaml.YAMLError as exc:
        raise CertdrillError(f"{name}: invalid YAML: {exc}") from None
    finally:
        loader.dispose()
