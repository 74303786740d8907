"""Benchmarks: client-side cost of ChatAkile and Akile against the raw openai SDK and the anchors.

Run with ``make bench`` (see the README). Every case runs each subject in the same process,
against the same loopback server (its own process), interleaved round by round, and reports the
median and min-max over rounds, as ratios to the raw SDK: these machines are noisy, ratios
measured side by side are not. Writes ``benchmarks/results/<label>.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openai

RESULTS = Path(__file__).resolve().parent / "results"
KEY = "bench-key"
MESSAGES = [
    {"role": "system", "content": "You are concise."},
    {"role": "user", "content": "Say hello."},
]


# -- the server ----------------------------------------------------------------------------


class Server:
    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.server", "0"],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parent.parent,
        )
        assert self.process.stdout is not None
        self.port = int(self.process.stdout.readline())
        self.base_url = f"http://127.0.0.1:{self.port}/v1"

    def throughput(self) -> float:
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.server", "--self-test", str(self.port)],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parent.parent,
        ).stdout
        return float(out.split()[0])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


# -- the subjects ----------------------------------------------------------------------------


@dataclass
class Subject:
    name: str
    call: Callable[[str], Any]  # model -> run one short call
    stream: Callable[[str], int]  # model -> consume a stream, return content chunks seen
    first_token: Callable[[str], float]  # model -> CPU seconds until the first content chunk
    acall: Callable[[str], Any]  # async: one call


def cpu_to_first_token(open_stream: Callable[[], Any], is_token: Callable[[Any], bool]) -> float:
    """CPU seconds from opening a stream to its first content token; the stream is then closed."""
    start = time.process_time()
    iterator = open_stream()
    spent = float("nan")
    for item in iterator:
        if is_token(item):
            spent = time.process_time() - start
            break
    iterator.close()
    return spent


def raw_subject(base_url: str) -> Subject:
    client = openai.OpenAI(api_key=KEY, base_url=base_url)
    aclient_holder: dict[int, openai.AsyncOpenAI] = {}

    def call(model: str) -> Any:
        return (
            client.chat.completions.create(model=model, messages=MESSAGES)
            .choices[0]
            .message.content
        )  # type: ignore[arg-type]

    def stream(model: str) -> int:
        n = 0
        for chunk in client.chat.completions.create(
            model=model,
            messages=MESSAGES,
            stream=True,
            stream_options={"include_usage": True},  # type: ignore[arg-type]
        ):
            if chunk.choices and chunk.choices[0].delta.content:
                n += 1
        return n

    def first_token(model: str) -> float:
        return cpu_to_first_token(
            lambda: client.chat.completions.create(model=model, messages=MESSAGES, stream=True),  # type: ignore[arg-type]
            lambda c: bool(c.choices and c.choices[0].delta.content),
        )

    async def acall(model: str) -> Any:
        loop = id(asyncio.get_running_loop())
        if loop not in aclient_holder:
            aclient_holder.clear()
            aclient_holder[loop] = openai.AsyncOpenAI(api_key=KEY, base_url=base_url)
        response = await aclient_holder[loop].chat.completions.create(
            model=model, messages=MESSAGES
        )  # type: ignore[arg-type]
        return response.choices[0].message.content

    return Subject("openai (raw)", call, stream, first_token, acall)


def langchain_subject(name: str, llm: Any) -> Subject:
    from langchain_core.messages import HumanMessage, SystemMessage

    messages = [SystemMessage("You are concise."), HumanMessage("Say hello.")]

    def stream(model: str) -> int:
        return sum(1 for chunk in llm.stream(messages, model=model) if chunk.content)

    def first_token(model: str) -> float:
        return cpu_to_first_token(
            lambda: llm.stream(messages, model=model), lambda c: bool(c.content)
        )

    async def acall(model: str) -> Any:
        return (await llm.ainvoke(messages, model=model)).content

    return Subject(
        name, lambda model: llm.invoke(messages, model=model).content, stream, first_token, acall
    )


def llamaindex_subject(name: str, factory: Callable[[str], Any]) -> Subject:
    from llama_index.core.llms import ChatMessage

    messages = [
        ChatMessage(role="system", content="You are concise."),
        ChatMessage(role="user", content="Say hello."),
    ]
    cache: dict[str, Any] = {}

    def llm(model: str) -> Any:
        # LlamaIndex has no per-call model override: one instance per model name, built once.
        if model not in cache:
            cache[model] = factory(model)
        return cache[model]

    def stream(model: str) -> int:
        return sum(1 for r in llm(model).stream_chat(messages) if r.delta)

    def first_token(model: str) -> float:
        return cpu_to_first_token(lambda: llm(model).stream_chat(messages), lambda r: bool(r.delta))

    async def acall(model: str) -> Any:
        return (await llm(model).achat(messages)).message.content

    return Subject(
        name, lambda model: llm(model).chat(messages).message.content, stream, first_token, acall
    )


def subjects(base_url: str) -> list[Subject]:
    from langchain_akile import ChatAkile
    from llamaindex_akile import Akile

    found = [
        raw_subject(base_url),
        langchain_subject("ChatAkile", ChatAkile(model="short", api_key=KEY, base_url=base_url)),
        llamaindex_subject(
            "Akile", lambda model: Akile(model=model, api_key=KEY, base_url=base_url)
        ),
    ]
    try:
        from langchain_openai import ChatOpenAI

        found.append(
            langchain_subject(
                "ChatOpenAI", ChatOpenAI(model="short", api_key=KEY, base_url=base_url)
            )
        )  # type: ignore[arg-type]
    except ImportError:
        pass
    try:
        from llama_index.llms.openai_like import OpenAILike

        found.append(
            llamaindex_subject(
                "OpenAILike",
                lambda model: OpenAILike(
                    model=model,
                    api_key=KEY,
                    api_base=base_url,
                    is_chat_model=True,
                    is_function_calling_model=True,
                ),
            )
        )
    except ImportError:
        pass
    return found


# -- measuring ---------------------------------------------------------------------------------


@dataclass
class Result:
    case: str
    unit: str
    values: dict[str, list[float]] = field(default_factory=dict)
    lower_is_better: bool = True

    def add(self, subject: str, value: float) -> None:
        self.values.setdefault(subject, []).append(value)

    def row(self, subject: str, reference: str) -> dict[str, Any]:
        values = self.values[subject]
        med = statistics.median(values)
        ref = statistics.median(self.values[reference]) if reference in self.values else None
        return {
            "subject": subject,
            "median": med,
            "min": min(values),
            "max": max(values),
            "ratio": med / ref if ref else None,
        }


def cpu_per(fn: Callable[[], Any], repeat: int) -> float:
    gc.collect()
    start = time.process_time()
    for _ in range(repeat):
        fn()
    return (time.process_time() - start) / repeat


def run_cases(base_url: str, rounds: int, quick: bool) -> list[Result]:
    subs = subjects(base_url)
    calls = 50 if quick else 200
    chunks = 2000
    per_call = Result("sequential short call", "µs CPU / call")
    per_chunk = Result(f"one stream of {chunks} chunks", "µs CPU / chunk")
    ttft = Result("time to first token", "µs CPU")
    for subject in subs:  # warm up: connections, lazy imports, caches
        for _ in range(5):
            subject.call("short")
        subject.stream("chunks:20")
        subject.first_token("short")
    for _ in range(rounds):
        calls_and_chunks(subs, calls, chunks, per_call, per_chunk)
        for subject in subs:
            samples = [subject.first_token("short") for _ in range(30 if quick else 100)]
            ttft.add(subject.name, statistics.median(samples) * 1e6)
    # One event loop for every async case: langchain-openai keeps one async HTTP client per
    # process, which fails once the loop that opened its connections is gone.
    return [per_call, per_chunk, ttft, *asyncio.run(concurrency_cases(subs, rounds))]


def calls_and_chunks(
    subs: list[Subject], calls: int, chunks: int, per_call: Result, per_chunk: Result
) -> None:
    """One round: CPU per short call, then per chunk of one long stream, subject by subject."""
    for subject in subs:
        per_call.add(subject.name, cpu_per(lambda s=subject: s.call("short"), calls) * 1e6)
    for subject in subs:
        seen: list[int] = []
        spent = cpu_per(lambda s=subject, seen=seen: seen.append(s.stream(f"chunks:{chunks}")), 3)
        assert min(seen) >= chunks, (subject.name, seen)  # every chunk really arrived
        per_chunk.add(subject.name, spent / chunks * 1e6)


async def concurrency_cases(subs: list[Subject], rounds: int) -> list[Result]:
    results = []
    for concurrency in (50, 200):
        wall = Result(f"{concurrency} concurrent async calls, 50 ms server latency", "ms wall")
        for subject in subs:  # warm each pool
            await asyncio.gather(*(subject.acall("short@50ms") for _ in range(10)))
        for _ in range(rounds):
            for subject in subs:
                start = time.perf_counter()
                answers = await asyncio.gather(
                    *(subject.acall("short@50ms") for _ in range(concurrency))
                )
                wall.add(subject.name, (time.perf_counter() - start) * 1e3)
                assert all(a == "Hello there!" for a in answers), subject.name
        results.append(wall)
    return results


EMBEDDED_TEXTS = [f"document {i}: the gateway serves many model families" for i in range(1000)]


def embedding_subjects(base_url: str) -> dict[str, Callable[[], int]]:
    """Each embeds the same 1,000 texts in batches of 256; returns how many vectors came back."""
    import openai

    from langchain_akile import AkileEmbeddings
    from llama_index.embeddings.akile import AkileEmbedding

    raw = openai.OpenAI(base_url=base_url, api_key="k")

    def raw_embed() -> int:
        # The SDK asks for base64 by default and decodes it itself.
        return sum(
            len(raw.embeddings.create(model="embed", input=EMBEDDED_TEXTS[i : i + 256]).data)
            for i in range(0, len(EMBEDDED_TEXTS), 256)
        )

    lc = AkileEmbeddings(model="embed", base_url=base_url, api_key="k", chunk_size=256)
    li = AkileEmbedding(model="embed", base_url=base_url, api_key="k", embed_batch_size=256)
    found: dict[str, Callable[[], int]] = {
        "openai (raw)": raw_embed,
        "AkileEmbeddings": lambda: len(lc.embed_documents(EMBEDDED_TEXTS)),
        "AkileEmbedding": lambda: len(li.get_text_embedding_batch(EMBEDDED_TEXTS)),
    }
    try:
        from langchain_openai import OpenAIEmbeddings
    except ImportError:  # the anchor lives in .venv-bench only
        return found
    anchor = OpenAIEmbeddings(
        model="embed",
        base_url=base_url,
        api_key="k",  # type: ignore[arg-type]
        chunk_size=256,
        check_embedding_ctx_length=False,  # no tiktoken download: texts are sent as they are
    )
    found["OpenAIEmbeddings"] = lambda: len(anchor.embed_documents(EMBEDDED_TEXTS))
    return found


def embedding_case(base_url: str, rounds: int) -> Result:
    result = Result("embed 1,000 texts (1,536 dims)", "ms CPU / 1,000 texts")
    subjects = embedding_subjects(base_url)
    for embed in subjects.values():  # warm up
        embed()
    for _ in range(rounds):
        for name, embed in subjects.items():
            counts: list[int] = []
            spent = cpu_per(lambda e=embed, c=counts: c.append(e()), 3)
            assert counts == [len(EMBEDDED_TEXTS)] * 3, (name, counts)
            result.add(name, spent * 1e3)
    return result


IMPORT_PROBES = {
    # the reference points, each in a fresh interpreter
    "langchain_core.language_models + openai": "import langchain_core.language_models, openai",
    "import langchain_akile": "import langchain_akile",
    "BaseChatModel + openai": "from langchain_core.language_models import BaseChatModel; import openai",
    "from langchain_akile import ChatAkile": "from langchain_akile import ChatAkile",
    "llama_index.core.llms + openai": "import llama_index.core.llms, openai",
    "import llamaindex_akile": "import llamaindex_akile",
    "FunctionCallingLLM + openai": "from llama_index.core.llms.function_calling import FunctionCallingLLM; import openai",
    "from llamaindex_akile import Akile": "from llamaindex_akile import Akile",
}
# What our class adds on top of its framework base class and openai, measured in one process.
INCREMENTAL_PROBES = {
    "ChatAkile over BaseChatModel + openai": (
        "from langchain_core.language_models import BaseChatModel; import openai",
        "from langchain_akile import ChatAkile",
    ),
    "Akile over FunctionCallingLLM + openai": (
        "from llama_index.core.llms.function_calling import FunctionCallingLLM; import openai",
        "from llamaindex_akile import Akile",
    ),
}


def import_times(rounds: int) -> Result:
    result = Result("import", "ms")
    for _ in range(rounds):
        for name, statement in IMPORT_PROBES.items():
            code = (
                f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
            )
            out = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
            result.add(name, float(out) * 1e3)
        for name, (base, ours) in INCREMENTAL_PROBES.items():
            code = f"import time; {base}; t = time.perf_counter(); {ours}; print(time.perf_counter() - t)"
            out = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
            result.add(name, float(out) * 1e3)
    return result


def rss_kib() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def memory(base_url: str) -> dict[str, dict[str, int]]:
    """RSS after 100 and after 1,000 short calls, per subject (flat means no per-call growth)."""
    out = {}
    for subject in subjects(base_url):
        if subject.name not in ("ChatAkile", "Akile"):
            continue
        for _ in range(100):
            subject.call("short")
        gc.collect()
        after_100 = rss_kib()
        for _ in range(900):
            subject.call("short")
        gc.collect()
        out[subject.name] = {"rss_after_100_kib": after_100, "rss_after_1000_kib": rss_kib()}
    return out


# -- reporting ---------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(
                line.split(":", 1)[1].strip() for line in info if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    versions = {}
    for package in (
        "openai",
        "langchain_core",
        "llama_index.core",
        "langchain_openai",
        "llama_index.llms.openai_like",
        "httpx",
        "httpx2",
    ):
        try:
            from importlib.metadata import version

            dist = {
                "langchain_core": "langchain-core",
                "llama_index.core": "llama-index-core",
                "langchain_openai": "langchain-openai",
                "llama_index.llms.openai_like": "llama-index-llms-openai-like",
            }.get(package, package)
            versions[package] = version(dist)
        except Exception:
            continue
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "versions": versions,
    }


def reference_of(result: Result) -> str:
    """What a case's ratios are to: the raw SDK, or on the messages wire the minimal model."""
    if result.case.startswith("messages wire"):
        return "minimal model (messages)"
    return "openai (raw)"


def markdown(
    label: str,
    info: dict[str, Any],
    server_rps: float,
    results: list[Result],
    imports: Result,
    mem: dict[str, Any],
) -> str:
    lines = [
        f"### {label}",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}; "
        + ", ".join(f"{k} {v}" for k, v in info["versions"].items())
        + f". Benchmark server: {server_rps:,.0f} req/s on its own.",
        "",
        "| case | subject | median | min–max | ratio to raw openai (messages wire: to the minimal model) |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for result in results:
        for subject in result.values:
            row = result.row(subject, reference_of(result))
            ratio = f"×{row['ratio']:.2f}" if row["ratio"] else ""
            lines.append(
                f"| {result.case} ({result.unit}) | {subject} | {row['median']:,.0f} | {row['min']:,.0f}–{row['max']:,.0f} | {ratio} |"
            )
    for subject in imports.values:
        row = imports.row(subject, subject)
        lines.append(
            f"| {imports.case} ({imports.unit}) | {subject} | {row['median']:,.0f} | {row['min']:,.0f}–{row['max']:,.0f} | |"
        )
    for name, rss in mem.items():
        growth = rss["rss_after_1000_kib"] / rss["rss_after_100_kib"] - 1
        lines.append(
            f"| RSS after 100 → 1,000 calls (MiB) | {name} | {rss['rss_after_1000_kib'] / 1024:,.1f} | from {rss['rss_after_100_kib'] / 1024:,.1f} | {growth:+.1%} |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--label", default=f"openai-{openai.__version__}")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="fewer calls per round (a smoke run)")
    args = parser.parse_args()
    server = Server()
    try:
        rps = server.throughput()
        results = run_cases(server.base_url, args.rounds, args.quick)
        results.append(embedding_case(server.base_url, args.rounds))
        from benchmarks.messages import messages_cases

        results += messages_cases(server.base_url, args.rounds, args.quick)
        imports = import_times(args.rounds)
        mem = memory(server.base_url)
    finally:
        server.stop()
    info = machine()
    RESULTS.mkdir(exist_ok=True)
    report = markdown(args.label, info, rps, results, imports, mem)
    (RESULTS / f"{args.label}.md").write_text(report)
    payload = {
        "label": args.label,
        "machine": info,
        "server_requests_per_second": rps,
        "cases": [
            {"case": r.case, "unit": r.unit, "rows": [r.row(s, reference_of(r)) for s in r.values]}
            for r in results
        ],
        "imports": [imports.row(s, s) for s in imports.values],
        "memory": mem,
    }
    (RESULTS / f"{args.label}.json").write_text(json.dumps(payload, indent=2))
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
