#!/usr/bin/env python3
"""Goldens for the chat template renderer: what jinja2 renders, configured as Hugging Face
transformers configures it for apply_chat_template (transformers/utils/chat_template_utils.py):
ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols]),
tojson with ensure_ascii=False, raise_exception, and the tokenizer_config's special tokens
(strings, or AddedToken objects' "content"; a null token is left out, so it is undefined).

Run from the repository root with Debian's python3-jinja2:
    python3 engine/src/test/python/chat_template_goldens.py
It writes engine/src/test/resources/chat-templates/goldens.json. Never a CI dependency.
"""
import json
import os

import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = "engine/src/test/resources/chat-templates"
SPECIAL = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"]


def environment():
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    return env


def special_tokens(config):
    out = {}
    for name in SPECIAL:
        value = config.get(name)
        if isinstance(value, dict):
            value = value.get("content")
        if value is not None:
            out[name] = value
    if config.get("additional_special_tokens"):
        out["additional_special_tokens"] = config["additional_special_tokens"]
    return out


def main():
    env = environment()
    cases = json.load(open(os.path.join(ROOT, "cases.json"), encoding="utf-8"))
    goldens = {"jinja2": jinja2.__version__, "templates": {}, "snippets": [], "errors": []}
    for model in sorted(os.listdir(ROOT)):
        config_file = os.path.join(ROOT, model, "tokenizer_config.json")
        if not os.path.isfile(config_file):
            continue
        config = json.load(open(config_file, encoding="utf-8"))
        template = env.from_string(config["chat_template"])
        rendered = {}
        for name, case in cases["conversations"].items():
            if "only" in case and model not in case["only"]:
                continue
            extra = {k: v for k, v in case.items() if k not in ("messages", "only")}
            for generation_prompt in (True, False):
                variables = dict(special_tokens(config), messages=case["messages"], tools=None,
                                 documents=None, add_generation_prompt=generation_prompt, **extra)
                key = f"{name}/{'generation' if generation_prompt else 'no_generation'}"
                try:
                    rendered[key] = template.render(**variables)
                except Exception as e:  # the renderer must refuse it too
                    rendered[key] = {"error": type(e).__name__, "message": str(e)}
        goldens["templates"][model] = rendered
    for snippet in cases["snippets"]:
        goldens["snippets"].append(env.from_string(snippet).render(messages=[]))
    for bad in cases["errors"]:
        try:
            env.from_string(bad).render()
            goldens["errors"].append(None)
        except Exception as e:  # the test only needs to know that jinja2 refused it
            goldens["errors"].append(type(e).__name__)
    with open(os.path.join(ROOT, "goldens.json"), "w", encoding="utf-8") as f:
        json.dump(goldens, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
