"""Embedded model: load seconds, prompt tokens/s and generated tokens/s with llama_cpp directly, 2 threads.

Each model is measured in its own child process (`python -m bench.embedded --child NAME THREADS`), so its peak
RSS is its own and its memory is returned when it ends. Timings come from llama.cpp's own counters.
"""

from __future__ import annotations

import json
import resource
import sys
import time

from bench import synthetic
from bench.common import Group, child_json, print_line

MODELS = ("qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b")
GENERATE = 128


def run(group: Group, quick: bool, context: dict) -> None:
    from pipeline.errors import SetupError
    from pipeline.llm.models import model_path

    threads = 2
    for name in MODELS:
        try:
            model_path(name)
        except SetupError as error:
            group.skipped.append(
                f"{name}: not installed ({str(error).split(';')[0]}); install it with `make setup-demo` to measure it"
            )
            continue
        data, _ = child_json(["bench.embedded", "--child", name, str(threads), "1" if quick else "2"], timeout=1800)
        print_line(
            f"  {name}: load {data['load_s']}s, prompt {data['prompt_tok_s']} tok/s, generate {data['gen_tok_s']} tok/s"
        )
        group.add(f"{name} load", data["load_s"], "s", note=f"{threads} threads")
        group.add(
            f"{name} prompt reading",
            data["prompt_tok_s"],
            "tok/s",
            note=f"{data['prompt_tokens']}-token prompt, best of {data['rounds']}",
        )
        group.add(
            f"{name} generation",
            data["gen_tok_s"],
            "tok/s",
            note=f"{data['gen_tokens']} tokens, no grammar, best of {data['rounds']}",
        )
        group.add(f"{name} peak memory", round(data["maxrss_kb"] / 1024**2, 2), "GB")
        group.details[name] = data


def _child(name: str, threads: int, rounds: int) -> None:
    import llama_cpp

    from pipeline.llm.models import model_path

    path = str(model_path(name))
    started = time.perf_counter()
    llm = llama_cpp.Llama(path, n_ctx=4096, n_threads=threads, n_threads_batch=threads, verbose=False)
    load = time.perf_counter() - started
    best_prompt, best_gen, sizes = 0.0, 0.0, (0, 0)
    for round_number in range(rounds):
        lines = [text for _, _, text in synthetic.talk_segments(4, seed=100 + round_number)]
        prompt = (
            "<|im_start|>system\nYou are an editor for a developer-relations team.<|im_end|>\n<|im_start|>user\n"
            "Write a detailed blog post from this talk transcript.\n\n"
            + "\n".join(lines)
            + "<|im_end|>\n<|im_start|>assistant\n"
        )
        llm.reset()  # no prompt prefix reused from the previous round
        llama_cpp.llama_perf_context_reset(llm.ctx)
        llm.create_completion(prompt, max_tokens=GENERATE, temperature=0.0)
        perf = llama_cpp.llama_perf_context(llm.ctx)
        prompt_rate = perf.n_p_eval / (perf.t_p_eval_ms / 1000) if perf.t_p_eval_ms else 0.0
        gen_rate = perf.n_eval / (perf.t_eval_ms / 1000) if perf.t_eval_ms else 0.0
        if prompt_rate > best_prompt:
            best_prompt, sizes = prompt_rate, (perf.n_p_eval, sizes[1])
        if gen_rate > best_gen:
            best_gen, sizes = gen_rate, (sizes[0], perf.n_eval)
    print(
        json.dumps(
            {
                "model": name,
                "threads": threads,
                "rounds": rounds,
                "load_s": round(load, 2),
                "prompt_tokens": sizes[0],
                "prompt_tok_s": round(best_prompt, 1),
                "gen_tokens": sizes[1],
                "gen_tok_s": round(best_gen, 1),
                "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
            }
        )
    )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        _child(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        print("usage: python -m bench.embedded --child MODEL THREADS ROUNDS", file=sys.stderr)
        raise SystemExit(2)
