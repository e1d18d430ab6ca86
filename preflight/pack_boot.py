"""The first code a policy pack's process runs: `python -u -c <this file's text> <engine> .` when
spawned, the same text exec'd when forked (see pack_process). It may run under the pack's own
interpreter, so it imports nothing of preflight's.

It starts the pack as `python -m pulumi.policy` would, plus four things that change no answer:

- logging to stderr: grpc logs a policy's exception (type and traceback), but its logger has only
  a NullHandler, so without this the traceback is lost;
- the collector paced as in the stack's process (see preflight.collector): what the pack starts
  with is frozen (a forked pack then never writes to the pages it shares with its parent), and
  young objects are collected every 20,000 allocations instead of 700;
- each property map converted once per request: pulumi-policy's servicer converts a resource's
  properties (and its provider's) from protobuf again for every policy it runs on them, half of
  an `Analyze`'s time. Within one `Analyze`, `AnalyzeStack` or `Remediate`, the conversion of a
  message object is computed once; every policy still gets its own copy, since
  `deserialize_properties` builds new containers from the converted value. Nothing is kept
  between requests. A pulumi-policy without the servicer this expects is left as it is;
- each policy's property maps built when it first reads them: the servicer deserializes a
  resource's properties (and its provider's) and wraps every nested value in an unknown-checking
  proxy for every policy before calling it, though most policies judge one resource type and
  return on seeing another. The proxy a policy receives is of the servicer's own proxy class and
  builds, on its first use, exactly what the servicer would have built, for that policy alone. A
  map nobody reads is never built (deserializing is where a malformed engine message would fail:
  it now fails in the policy that reads it, or not at all).
"""

from __future__ import annotations

import gc
import logging
import runpy
import threading
from collections.abc import Callable
from typing import Any

YOUNG_COLLECTION_EVERY = 20_000

# The servicer's requests whose property maps are converted once each.
MEMOIZED_REQUESTS = ("Analyze", "AnalyzeStack", "Remediate")


def pace_collector() -> None:
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_EVERY, *gc.get_threshold()[1:])


class _ConversionsPerRequest:
    """`json_format` as pulumi-policy's servicer uses it, with `MessageToDict` of a message
    computed once while a memoized request is being answered on this thread."""

    def __init__(self, json_format: Any) -> None:
        self._json_format = json_format
        self._requests = threading.local()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._json_format, name)

    def MessageToDict(self, message: Any, *args: Any, **kwargs: Any) -> Any:
        memo: dict[int, tuple[Any, Any]] | None = getattr(self._requests, "memo", None)
        if memo is None or args or kwargs:
            return self._json_format.MessageToDict(message, *args, **kwargs)
        # Keyed by identity, with the message held: its id cannot be reused while it is cached.
        cached = memo.get(id(message))
        if cached is None or cached[0] is not message:
            cached = memo[id(message)] = (message, self._json_format.MessageToDict(message))
        return cached[1]

    def answering(self, method: Callable[..., Any]) -> Callable[..., Any]:
        def answer(servicer: Any, request: Any, context: Any) -> Any:
            self._requests.memo = {}
            try:
                return method(servicer, request, context)
            finally:
                self._requests.memo = None
        answer.__name__ = answer.__qualname__ = method.__name__
        return answer


def _deferred_proxy_class(dict_proxy: type, deserialize: Callable[..., Any],
                          proxy: Callable[[Any], Any]) -> type:
    """A subclass of pulumi-policy's `_DictProxy` whose target is built on first use.

    `_DictProxy`'s methods (and `serialize_properties`, through its `"__target"` key) all read the
    name-mangled `_DictProxy__target`; here that name is a property building it once."""

    class DeferredDictProxy(dict_proxy):  # type: ignore[misc]
        def __init__(self, converted: Any) -> None:  # the base __init__ is what is deferred
            self._converted = converted
            self._built: Any = None
            self._DictProxy__props_acc: list[str] = []

        @property
        def _DictProxy__target(self) -> Any:
            if self._built is None:
                self._built = proxy(deserialize(self._converted))._DictProxy__target
                self._converted = None
            return self._built

    DeferredDictProxy.__name__ = DeferredDictProxy.__qualname__ = dict_proxy.__name__
    return DeferredDictProxy


class _Deferred:
    """What the servicer's `deserialize_properties` returns instead of deserializing: the converted
    map, handed to its `unknown_checking_proxy` next."""

    __slots__ = ("converted",)

    def __init__(self, converted: Any) -> None:
        self.converted = converted


def build_property_maps_on_first_use() -> bool:
    """Defer the servicer's property maps (see above); False where pulumi-policy is not the one
    this expects."""
    try:
        from pulumi_policy import policy, proxy
    except ImportError:
        return False
    deserialize = getattr(policy, "deserialize_properties", None)
    checking_proxy = getattr(policy, "unknown_checking_proxy", None)
    dict_proxy = getattr(proxy, "_DictProxy", None)
    if not (callable(deserialize) and callable(checking_proxy) and isinstance(dict_proxy, type)
            and {"_DictProxy__target", "_DictProxy__props_acc"} <= set(vars(dict_proxy(
                {}, [])))):
        return False
    deferred_proxy = _deferred_proxy_class(dict_proxy, deserialize, checking_proxy)

    def deserialize_properties(props: Any, proxy_secrets: bool = False) -> Any:
        # Remediate's maps (secrets kept as such) are returned to the engine: built as before.
        return deserialize(props, proxy_secrets) if proxy_secrets else _Deferred(props)

    def unknown_checking_proxy(props: Any) -> Any:
        return deferred_proxy(props.converted) if isinstance(props, _Deferred) else checking_proxy(props)

    setattr(policy, "deserialize_properties", deserialize_properties)  # noqa: B010 - module globals
    setattr(policy, "unknown_checking_proxy", unknown_checking_proxy)  # noqa: B010 - of pulumi-policy's
    return True


def convert_once_per_request() -> bool:
    """Install the per-request conversions into pulumi-policy; False where its servicer is not
    the one this expects (or pulumi-policy is missing: the pack's own start then says so)."""
    try:
        from pulumi_policy import policy
    except ImportError:
        return False
    servicer = getattr(policy, "_PolicyAnalyzerServicer", None)
    json_format = getattr(policy, "json_format", None)
    if servicer is None or not hasattr(json_format, "MessageToDict") or not all(
            callable(getattr(servicer, name, None)) for name in MEMOIZED_REQUESTS):
        return False
    conversions = _ConversionsPerRequest(json_format)
    setattr(policy, "json_format", conversions)  # noqa: B010 - a module global of pulumi-policy's
    for name in MEMOIZED_REQUESTS:
        setattr(servicer, name, conversions.answering(getattr(servicer, name)))
    return True


def main() -> None:
    pace_collector()
    logging.basicConfig(format="%(message)s")
    convert_once_per_request()
    build_property_maps_on_first_use()
    runpy.run_module("pulumi.policy", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
