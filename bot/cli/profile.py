"""`regrights profile draft|check`: a profile drafted from an agreement, and checked."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    profile = sub.add_parser(
        "profile",
        help="draft a profile from an agreement, or check one",
        description="Draft an agreement's profile from its own text, or check a profile file.",
    )
    actions = profile.add_subparsers(dest="profile_command", required=True, metavar="ACTION")
    draft = actions.add_parser(
        "draft",
        help="draft a profile from an agreement (.txt, .docx, .pdf)",
        description="Read the agreement and write its profile: every value with the section "
        "and sentence it comes from; what it cannot find is listed as missing, never guessed.",
    )
    draft.add_argument("agreement", metavar="AGREEMENT", help="the agreement: .txt, .docx or .pdf")
    draft.add_argument("--json", action="store_true", help="print one JSON object")
    draft.add_argument("--out", metavar="PROFILE.yaml", help="write the profile here")
    draft.set_defaults(func=run_draft)
    check = actions.add_parser(
        "check",
        help="validate a profile file and show each clock with its quote",
        description="Validate a profile file, then print each clock with the clause it cites.",
    )
    check.add_argument("profile", metavar="PROFILE.yaml")
    check.set_defaults(func=run_check)


def run_draft(args: argparse.Namespace) -> int:
    from bot.agreement_text import agreement_text
    from domain.drafting.draft import draft_profile
    from domain.drafting.profile_yaml import draft_yaml
    from domain.services.replies import ExitCode

    path = Path(args.agreement)
    draft = draft_profile(agreement_text(path))
    text = draft_yaml(draft, path.name)
    if args.out:
        _write(Path(args.out), text)
    if args.json:
        print(json.dumps(draft.as_json(), indent=2, ensure_ascii=False))
    elif not args.out:
        sys.stdout.write(text)
    if args.out and not args.json:
        found = len(draft.citations)
        print(f"Wrote {args.out}: {found} values cited, {len(draft.missing)} missing.")
        for key in draft.missing:
            print(f"  missing: {key}")
    return ExitCode.OK


def _write(path: Path, text: str) -> None:
    from bot.failures import Failure
    from domain.services.replies import ExitCode

    try:
        path.write_text(text, "utf-8")
    except OSError as exc:
        raise Failure(f"{path}: cannot be written ({exc.strerror})", ExitCode.MALFORMED) from exc


def run_check(args: argparse.Namespace) -> int:
    from domain.rules.terms import ProfileError, read_profile_file
    from domain.services.replies import ExitCode

    try:
        _, profile = read_profile_file(Path(args.profile))
    except ProfileError as exc:
        print(f"regrights: profile {exc.source} is not usable:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return ExitCode.MALFORMED
    print(f"{args.profile}: profile {profile.id} is valid: {profile.title}.")
    for _key, what, value, citation in profile.cited_values():
        where = f" (§{citation.section})" if citation and citation.section != "preamble" else ""
        print(f"{value}: {what}{where}")
        if citation is not None:
            print(f'    "{citation.quote}"')
        else:
            print("    (no quote: the profile does not cite the agreement for this value)")
    return ExitCode.OK
