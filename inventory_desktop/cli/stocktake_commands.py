"""`inventory stocktake ...`: start a count, enter counts, settle, explain, commit."""

from __future__ import annotations

import argparse
from decimal import Decimal

from .. import services
from ..errors import ValidationError
from ..quantity import format_decimal, to_decimal, to_units
from ..vocabulary import REASON_LABELS, UNEXPLAINED, VARIANCE_REASONS
from . import output, sheet_commands
from ._common import add_op_key, item_of, stocktake_id

_STATE_WORDS = {"uncounted": "not counted", "counted": "counted", "conflict": "CONFLICT",
                "partial": "partly counted"}


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    stocktake = commands.add_parser("stocktake", help="count the stock, then post the variance",
                                    parents=[common])
    actions = stocktake.add_subparsers(title="stocktake commands", metavar="ACTION",
                                       required=True)

    start = actions.add_parser("start", help="open a stocktake", parents=[common])
    start.add_argument("--name")
    start.add_argument("--area", action="append", metavar="AREA",
                       help="count only the items kept in this area (repeat for several)")
    start.add_argument("--blind", action="store_true",
                       help="hide expected quantities from the count screen and sheet")
    add_op_key(start)
    start.set_defaults(handler=_start)

    listing = actions.add_parser("list", help="stocktakes, newest first", parents=[common])
    listing.set_defaults(handler=_list)

    show = actions.add_parser("show", help="a stocktake's lines and variance", parents=[common])
    show.add_argument("stocktake", metavar="ID")
    show.set_defaults(handler=_show)

    count = actions.add_parser("count", help="enter one count", parents=[common])
    count.add_argument("stocktake", metavar="ID")
    count.add_argument("item", metavar="ITEM", help="SKU or #id")
    count.add_argument("quantity", metavar="QTY", help="the quantity (with --packs: loose)")
    count.add_argument("--area", metavar="AREA",
                       help="where it was counted (needed when it is kept in several)")
    count.add_argument("--packs", metavar="P", help="whole packs counted")
    count.add_argument("--note", default="")
    count.set_defaults(handler=_count)

    resolve = actions.add_parser("resolve", parents=[common],
                                 help="settle two people's counts of one item in one area")
    resolve.add_argument("stocktake", metavar="ID")
    resolve.add_argument("item", metavar="ITEM")
    resolve.add_argument("--area", metavar="AREA")
    how = resolve.add_mutually_exclusive_group(required=True)
    how.add_argument("--keep", metavar="NAME", help="keep this person's count")
    how.add_argument("--add-up", action="store_true", help="each counted part: add them up")
    how.add_argument("--recount", metavar="QTY", help="the quantity of a recount")
    resolve.set_defaults(handler=_resolve)

    explain = actions.add_parser(
        "explain", parents=[common],
        help="split an item's variance across reasons: REASON=QTY ... (REASON=all: the rest)")
    explain.add_argument("stocktake", metavar="ID")
    explain.add_argument("item", metavar="ITEM")
    explain.add_argument("parts", metavar="REASON=QTY", nargs="*",
                         help=", ".join((*VARIANCE_REASONS, UNEXPLAINED)))
    explain.set_defaults(handler=_explain)

    commit = actions.add_parser("commit", help="post the variances and close the stocktake",
                                parents=[common])
    commit.add_argument("stocktake", metavar="ID")
    commit.add_argument("--uncounted", choices=("keep", "zero"), default="keep",
                        help="items not counted: keep them as they are (default) or count "
                             "them as zero")
    commit.add_argument("--dry-run", action="store_true", help="say what would be posted")
    commit.set_defaults(handler=_commit)

    abandon = actions.add_parser("abandon", help="close without posting", parents=[common])
    abandon.add_argument("stocktake", metavar="ID")
    abandon.set_defaults(handler=_abandon)

    sheet_commands.register(actions, common)


def _start(args: argparse.Namespace) -> None:
    areas = [services.find_area(name).id for name in args.area or ()]
    stocktake = services.start_stocktake(args.name, area_ids=areas, blind=args.blind,
                                         user=args.user, op_key=args.op_key)
    if args.json:
        output.print_json(_stocktake_json(stocktake))
        return
    scope = ", ".join(stocktake.areas) if stocktake.areas else "every active item"
    print(f"Started stocktake {stocktake.id} ({stocktake.name}): {scope}"
          f"{', blind' if stocktake.blind else ''}.")


def _list(args: argparse.Namespace) -> None:
    rows = services.list_stocktakes()
    output.print_listing(args.json, rows, _stocktake_json, _print_stocktakes,
                         "No stocktakes yet: 'inventory stocktake start' opens one.")


def _show(args: argparse.Namespace) -> None:
    sheet = services.stocktake_sheet(stocktake_id(args.stocktake))
    if args.json:
        output.print_json({**_stocktake_json(sheet.stocktake),
                           "lines": [_line_json(line) for line in sheet.lines]})
        return
    print(_title(sheet.stocktake))
    rows = [[line.area_name or "(no area)", line.sku or f"#{line.item_id}", line.name,
             _counted_text(line), ", ".join(line.counted_by), _quantity(line.expected),
             _variance(line), _STATE_WORDS.get(line.state, line.state)]
            for line in sheet.lines]
    output.print_table(["AREA", "ITEM", "NAME", "COUNTED", "BY", "EXPECTED", "VARIANCE",
                        "STATUS"], rows, right=(3, 5, 6))
    for progress in sheet.progress():
        print(f"{progress.area_name or '(no area)'}: {progress.counted} of "
              f"{progress.lines} counted")


def _count(args: argparse.Namespace) -> None:
    number = stocktake_id(args.stocktake)
    item = item_of(args.item)
    area = _area_for(item, args.area)
    line = services.record_count(number, item.id, area, None if args.packs else args.quantity,
                                 packs=args.packs, loose=args.quantity if args.packs else None,
                                 note=args.note, user=args.user)
    if args.json:
        output.print_json(_count_json(line))
    else:
        print(f"Counted {format_decimal(line.counted)} {item.unit} of {item.name}"
              f"{_where(area)} (line {line.id}).")


def _resolve(args: argparse.Namespace) -> None:
    number = stocktake_id(args.stocktake)
    item = item_of(args.item)
    line = services.resolve_count(number, item.id, _area_for(item, args.area), keep=args.keep,
                                  add_up=args.add_up, quantity=args.recount, user=args.user)
    if args.json:
        output.print_json(_count_json(line))
    else:
        print(f"Settled: {format_decimal(line.counted)} {item.unit} of {item.name} "
              f"({line.note}).")


def _explain(args: argparse.Namespace) -> None:
    number = stocktake_id(args.stocktake)
    item = item_of(args.item)
    parts = _parts(args.parts, number, item.id)
    shares = services.explain_variance(number, item.id, parts, user=args.user)
    if args.json:
        output.print_json({reason: format_decimal(size) for reason, size in shares.items()})
    elif shares:
        print(f"{item.name}: " + ", ".join(f"{format_decimal(size)} {item.unit} "
                                           f"{REASON_LABELS[reason].lower()}"
                                           for reason, size in shares.items()) + ".")
    else:
        print(f"{item.name}: the variance is unexplained again.")


def _commit(args: argparse.Namespace) -> int:
    number = stocktake_id(args.stocktake)
    if args.dry_run:
        plan = services.commit_plan(number, uncounted=args.uncounted)
        _print_plan(args, plan, "Would post")
        return 1 if plan.blocked else 0
    report = services.commit_stocktake(number, uncounted=args.uncounted, user=args.user)
    _print_plan(args, report.plan, "Posted", report.movement_ids, report.values)
    if not args.json:
        print(f"Stocktake {number} is committed.")
    return 0


def _abandon(args: argparse.Namespace) -> None:
    stocktake = services.abandon_stocktake(stocktake_id(args.stocktake), user=args.user)
    if args.json:
        output.print_json(_stocktake_json(stocktake))
    else:
        print(f"Abandoned stocktake {stocktake.id}; nothing was posted.")


def _area_for(item: services.ItemRow, name: str | None) -> int | None:
    if name is not None:
        return services.find_area(name).id
    places = services.item_places(item.id)
    if len(places) > 1:
        raise ValidationError(
            f"{item.name} is kept in {', '.join(p.area_name for p in places)}: say which "
            "with --area.")
    return places[0].area_id if places else None


def _parts(texts: list[str], number: int, item_id: int) -> dict[str, object]:
    # REASON=all takes whatever the other parts leave of the variance.
    parts: dict[str, object] = {}
    rest_to = None
    for text in texts:
        reason, _, size = text.partition("=")
        if not size:
            raise ValidationError(f"{text!r} is not REASON=QTY (e.g. waste=2 or theft=all).")
        if size.strip().lower() == "all":
            rest_to = reason.strip()
        else:
            parts[reason.strip()] = size
    if rest_to is not None:
        variance = services.item_variance(number, item_id)
        if not variance:
            raise ValidationError("It has no variance to put down to a reason: it is not "
                                  "fully counted yet, or it matched the ledger.")
        given = sum(to_decimal(to_units(size, "share")) for size in parts.values())
        parts[rest_to] = format_decimal(abs(to_decimal(variance)) - given)
    return parts


def _print_plan(args: argparse.Namespace, plan: services.CommitPlan, verb: str,
                movement_ids: list[int] | None = None,
                posted: list[Decimal | None] | None = None) -> None:
    # Posted: each movement's value as the ledger recorded it; else the plan's estimate.
    values = posted if posted is not None else [c.value for c in plan.changes]
    if args.json:
        output.print_json({
            "changes": [{"id": c.item_id, "name": c.name, "reason": c.reason,
                         "quantity_change": format_decimal(c.change),
                         "value": None if value is None else format_decimal(value)}
                        for c, value in zip(plan.changes, values, strict=True)],
            "movements": movement_ids or [], "conflicts": plan.conflicts,
            "overexplained": plan.overexplained, "left_unchanged": plan.left_unchanged,
            "counted_as_zero": plan.counted_as_zero, "limited": plan.limited,
            "value_not_known": plan.value_not_known})
        return
    symbol = services.currency_symbol()
    rows = [[c.name, REASON_LABELS.get(c.reason, c.reason), output.signed(c.change), c.unit,
             output.money(value, symbol, signed=True)]
            for c, value in zip(plan.changes, values, strict=True)]
    if rows:
        print(f"{verb} {len(rows)} adjustment(s):")
        output.print_table(["ITEM", "REASON", "CHANGE", "UNIT", "VALUE"], rows, right=(2, 4))
        known = sum((value for value in values if value is not None), Decimal(0))
        print(f"Value: {output.money(known, symbol, signed=True)}"
              + (f" (not known for {', '.join(plan.value_not_known)})"
                 if plan.value_not_known else ""))
    else:
        print(f"{verb} no adjustment: every counted item matched its ledger.")
    for label, names in (("Conflicts to settle first", plan.conflicts),
                         ("Explained more than the variance", plan.overexplained),
                         ("Not counted, kept as they are", plan.left_unchanged),
                         ("Not counted, counted as zero", plan.counted_as_zero),
                         ("Taken to zero, not below", plan.limited)):
        if names:
            print(f"{label}: {', '.join(names)}")


def _stocktake_json(stocktake: services.StocktakeRow) -> dict:
    return {"id": stocktake.id, "name": stocktake.name, "all_items": stocktake.all_items,
            "areas": list(stocktake.areas), "blind": stocktake.blind, "state": stocktake.state,
            "uncounted": stocktake.uncounted, "started_by": stocktake.started_by,
            "started_at": stocktake.started_at, "closed_by": stocktake.closed_by,
            "closed_at": stocktake.closed_at}


def _line_json(line: services.SheetLine) -> dict:
    return {"item_id": line.item_id, "sku": line.sku, "name": line.name, "unit": line.unit,
            "area": line.area_name or None, "state": line.state,
            "counted": _quantity(line.counted) or None, "packs": line.packs,
            "counted_by": list(line.counted_by),
            "competing": [{"by": who, "counted": format_decimal(q)} for who, q in line.competing],
            "item_state": line.item_state, "item_counted": _quantity(line.item_counted) or None,
            "expected": _quantity(line.expected) or None,
            "variance": _quantity(line.variance) or None,
            "explanation": {reason: format_decimal(q) for reason, q in line.explanation}}


def _count_json(line: services.CountRow) -> dict:
    return {"id": line.id, "stocktake_id": line.stocktake_id, "item_id": line.item_id,
            "area_id": line.area_id, "counted": format_decimal(line.counted),
            "packs": line.packs, "expected": format_decimal(line.expected), "kind": line.kind,
            "counted_by": line.counted_by, "counted_at": line.counted_at, "note": line.note}


def _print_stocktakes(rows: list[services.StocktakeRow]) -> None:
    table = [[str(s.id), s.name, ", ".join(s.areas) or "all items", s.state,
              s.started_by, output.local_display(s.started_at)] for s in rows]
    output.print_table(["ID", "NAME", "SCOPE", "STATE", "BY", "STARTED"], table, right=(0,))


def _title(stocktake: services.StocktakeRow) -> str:
    scope = ", ".join(stocktake.areas) if stocktake.areas else "every active item"
    blind = ", blind" if stocktake.blind else ""
    return f"Stocktake {stocktake.id}: {stocktake.name} ({scope}{blind}; {stocktake.state})"


def _counted_text(line: services.SheetLine) -> str:
    if line.competing:
        return " / ".join(format_decimal(q) for _, q in line.competing)
    if line.counted is None:
        return ""
    if line.packs is not None and line.pack_size:
        loose = line.counted - line.packs * line.pack_size
        return f"{format_decimal(line.counted)} ({line.packs}×{format_decimal(line.pack_size)}" \
               f" + {format_decimal(loose)})"
    return format_decimal(line.counted)


def _variance(line: services.SheetLine) -> str:
    return "" if line.variance is None else output.signed(line.variance)


def _quantity(value: Decimal | None) -> str:
    return "" if value is None else format_decimal(value)


def _where(area: int | None) -> str:
    return "" if area is None else f" in {services.get_area(area).name}"
