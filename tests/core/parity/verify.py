#!/usr/bin/env python3
"""verify.py -- checks the Python-parity expectations of tglab's error tests.

tests/core/test_error_parity.c runs each scenario against libtg and compares
the result, printed by err_repr(), with an expected string recorded in its
table of cases.  This script runs the same scenarios in CPython 3.11, prints
the results in the same form, and checks that every expected string in the C
source is what CPython gives.  It also checks the renderer's golden files:
with the "at file:line" lines taken out they must equal what the traceback
module prints for the same errors.  The C tests never need Python.

    python3 tests/core/parity/verify.py          # verify, exit 1 on mismatch
    python3 tests/core/parity/verify.py --print  # print CPython's strings
"""
import asyncio
import os
import re
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
C_SOURCE = os.path.join(HERE, '..', 'test_error_parity.c')
GOLDEN = os.path.join(HERE, '..', 'golden')

CancelledError = asyncio.CancelledError
EG, BEG = ExceptionGroup, BaseExceptionGroup
V, T, K, R, OS, CONN = (ValueError, TypeError, KeyError, RuntimeError,
                        OSError, ConnectionError)


def show(e, links=False):
    """The same compact repr as tests/support/err_repr.c."""
    if e is None:
        return 'None'
    name = type(e).__name__
    if isinstance(e, BaseExceptionGroup):
        inner = ', '.join(show(x, links) for x in e.exceptions)
        s = f"{name}('{e.message}', [{inner}]"
    else:
        s = f"{name}('{e.args[0] if e.args else ''}'"
    notes = getattr(e, '__notes__', None)
    if notes:
        s += ', notes=[' + ', '.join(f"'{n}'" for n in notes) + ']'
    if links:
        if e.__cause__ is not None:
            s += ', cause=' + show(e.__cause__, links)
        if e.__context__ is not None:
            s += ', context=' + show(e.__context__, links)
        if e.__suppress_context__:
            s += ', suppress_context=True'
    return s + ')'


def split(eg, cond, links=False):
    m, r = eg.split(cond)
    return f'match={show(m, links)}; rest={show(r, links)}'


def propagated(fn, links=False):
    """Runs fn (which does try/except*) and shows what escapes it."""
    try:
        fn()
    except BaseException as e:  # noqa: B036 -- that is the point
        return show(e, links)
    return 'None'


def noted(e, *notes):
    for n in notes:
        e.add_note(n)
    return e


def nested3():
    return EG('top', [V('a'), EG('mid', [T('b'), EG('low', [V('c'),
                                                             K('d')])]),
                      T('e')])


def linked(e, cause=None, context=None):
    # Assigning __cause__ (even None) sets __suppress_context__, as "from"
    # does: only assign what is given, like err_build.c's linked().
    if cause is not None:
        e.__cause__ = cause
    if context is not None:
        e.__context__ = context
    return e


# ---- scenarios: one per row of the C table, same names -------------------
S = {}


def scenario(fn):
    S[fn.__name__] = fn
    return fn


@scenario
def split_by_type():
    return split(EG('eg', [V('a'), T('b'), V('c')]), V)


@scenario
def split_match_type_tuple_nested():
    return split(EG('h1', [V('V1'), OS('OS1'),
                           EG('h2', [OS('OS2'), V('V2'), T('T')])]), (V, T))


@scenario
def split_match_single_type_nested():
    return split(EG('g1', [V('V1'), OS('OS1'),
                           EG('g2', [OS('OS2'), V('V2'), T('T')])]), V)


@scenario
def split_empty_groups_removed():
    return split(EG('eg', [EG('i1', [V('V1')]), EG('i2', [V('V2'), T('T1')]),
                           EG('i3', [T('T2')])]), T)


@scenario
def split_singleton_groups_kept():
    return split(EG('j1', [EG('j2', [EG('j3', [V('V1')]),
                                     EG('j4', [T('T')])])]), T)


@scenario
def split_match_supertype():
    return split(EG('st', [CONN('io'), T('T')]), OS)


@scenario
def split_no_match():
    return split(EG('test1', [V('V'), T('T')]), K)


@scenario
def split_by_predicate_on_leaves():
    def pred(e):
        return (not isinstance(e, BaseExceptionGroup)
                and e.args[0].startswith('x'))
    return split(EG('eg', [V('x1'), T('y1'), EG('sub', [K('x2'),
                                                        V('y2')])]), pred)


@scenario
def split_predicate_takes_subgroup_whole():
    def pred(e):
        return isinstance(e, BaseExceptionGroup) and e.message == 'inner'
    return split(EG('outer', [V('a'), EG('inner', [T('b'), K('c')])]), pred)


@scenario
def split_three_levels():
    return split(nested3(), V)


@scenario
def split_whole_group_by_group_type():
    return split(EG('eg', [V('a'), T('b')]), EG)


@scenario
def split_base_group_rest_repicks_type():
    return split(BEG('b', [CancelledError(), V('v')]), CancelledError)


@scenario
def split_exception_in_base_group():
    return split(BEG('b', [CancelledError(), V('v'), EG('e', [T('t')])]),
                 Exception)


@scenario
def split_keeps_notes():
    eg = noted(EG('eg', [V('a'), noted(EG('sub', [T('b'), V('c')]), 's1'),
                         T('d')]), 'n1', 'n2')
    return split(eg, V)


@scenario
def split_keeps_cause_and_context():
    eg = linked(EG('eg', [V('a'), T('b')]), cause=K('root'),
                context=OS('ctx'))
    return split(eg, V, links=True)


@scenario
def subgroup_nested():
    return show(nested3().subgroup(T))


@scenario
def subgroup_no_match():
    return show(nested3().subgroup(CONN))


@scenario
def subgroup_predicate_every_leaf():
    return show(nested3().subgroup(
        lambda e: not isinstance(e, BaseExceptionGroup)))


@scenario
def group_new_picks_type():
    a = BEG('x', [V('v')])
    b = BEG('y', [V('v'), CancelledError()])
    return f'{show(a)}; {show(b)}'


@scenario
def except_two_clauses_rest():
    def f():
        try:
            raise EG('eg', [V('a'), T('b'), K('c')])
        except* V:
            pass
        except* T:
            pass
    return propagated(f)


@scenario
def except_three_clauses_all_handled():
    def f():
        try:
            raise EG('eg', [V('a'), T('b'), EG('sub', [K('c'), V('d')])])
        except* V:
            pass
        except* T:
            pass
        except* K:
            pass
    return propagated(f)


@scenario
def except_raise_named():
    def f():
        try:
            raise EG('eg', [V('1'), OS('2')])
        except* OS:
            raise T('3')
    return propagated(f, links=True)


@scenario
def except_reraise_all():
    def f():
        try:
            raise EG('eg', [T('1'), V('2'), OS('3')])
        except* T:
            raise
        except* V:
            raise
    return propagated(f)


@scenario
def except_reraise_some_handle_all():
    def f():
        try:
            raise EG('eg', [T('1'), V('2'), OS('3')])
        except* T:
            raise
        except* V:
            pass
    return propagated(f)


@scenario
def except_reraise_plain_exception():
    def f():
        try:
            raise V('42')
        except* V:
            raise
    return propagated(f)


@scenario
def except_plain_exception_not_matched():
    def f():
        try:
            raise V('V')
        except* T:
            pass
    return propagated(f)


@scenario
def except_plain_exception_raises_new():
    def f():
        try:
            raise V('v')
        except* V:
            raise T('t')
    return propagated(f, links=True)


@scenario
def except_raise_handle_all_raise_two():
    def f():
        try:
            raise EG('eg', [T('1'), V('2')])
        except* T:
            raise R('3')
        except* V:
            raise R('4')
    return propagated(f, links=True)


@scenario
def except_raise_from():
    def f():
        try:
            raise EG('eg', [V('1'), OS('2')])
        except* OS as e:
            raise T('3') from e
    return propagated(f, links=True)


@scenario
def except_raise_handle_all_raise_one():
    def f():
        try:
            raise EG('eg', [T('1'), V('2')])
        except* (T, V):
            raise R('3')
    return propagated(f, links=True)


@scenario
def except_three_levels():
    def f():
        try:
            raise nested3()
        except* V:
            pass
        except* K:
            raise
    return propagated(f)


@scenario
def except_reraise_and_raise():
    def f():
        try:
            raise EG('eg', [V('a'), T('b'), K('c')])
        except* V:
            raise
        except* T:
            raise R('r')
    return propagated(f)


@scenario
def except_cancelled_in_base_group():
    def f():
        try:
            raise BEG('b', [CancelledError(), V('v')])
        except* CancelledError:
            pass
    return propagated(f)


@scenario
def except_raise_cancelled_makes_base_group():
    def f():
        try:
            raise EG('eg', [V('a'), T('b')])
        except* V:
            raise CancelledError()
    return propagated(f)


@scenario
def except_notes_kept_on_rest():
    def f():
        try:
            raise noted(EG('eg', [V('a'), T('b')]), 'n')
        except* V:
            pass
    return propagated(f)


@scenario
def except_handler_raises_group():
    def f():
        try:
            raise EG('eg', [V('a'), T('b')])
        except* V:
            raise EG('inner', [K('k')])
    return propagated(f)


@scenario
def except_first_match_wins():
    def f():
        try:
            raise EG('fst', [CONN('io')])
        except* OS:
            pass
        except* CONN:
            raise R('never')
    return propagated(f)


@scenario
def except_whole_match_reraise():
    def f():
        try:
            raise noted(EG('eg', [V('a'), T('b')]), 'n')
        except* Exception:
            raise
    return propagated(f, links=True)


@scenario
def except_star_ExceptionGroup_is_runtime_error_single():
    def f():
        try:
            raise EG('eg', [V('1'), T('2')])
        except* EG:
            pass
    return propagated(f, links=True)


@scenario
def except_star_ExceptionGroup_is_runtime_error_tuple():
    def f():
        try:
            raise EG('eg', [V('1'), T('2')])
        except* (T, BEG):
            pass
    return propagated(f, links=True)


@scenario
def except_star_ExceptionGroup_after_handlers():
    def f():
        try:
            raise EG('eg', [V('1'), T('2'), K('3')])
        except* V:
            raise K('k')
        except* T:
            pass
        except* EG:
            pass
    return propagated(f, links=True)


# ---- golden files ----------------------------------------------------------

def golden_errors():
    """The errors of tests/core/test_error_format.c, by golden file name."""
    g = {}
    g['leaf'] = V('bad value')
    g['leaf_empty_message'] = V()
    g['leaf_notes'] = noted(V('bad value'), 'first note', 'second\nnote')
    g['group_flat'] = EG('unhandled errors in a TaskGroup',
                         [V('bad value'), T('wrong type')])
    g['group_nested'] = EG('outer', [
        noted(EG('inner', [V('a'), T('b')]), 'inner note'),
        K('k'), EG('last', [OS('disk full')])])
    g['cause_chain'] = linked(R('send failed'),
                              cause=linked(CONN('reset'),
                                           cause=OS('socket closed')))
    g['context_chain'] = linked(T('while cleaning up'),
                                context=V('original problem'))
    g['group_member_chains'] = EG('eg', [
        linked(V('with cause'), cause=K('root')),
        linked(T('with context'), context=OS('ctx'))])
    g['group_cause'] = linked(EG('g2', [V('x')]),
                              cause=EG('cg', [T('t')]))
    g['group_width_limit'] = EG('many', [V(str(i)) for i in range(17)])
    x = V('leaf')
    for i in range(12):
        x = EG(f'd{i}', [x])
    g['group_depth_limit'] = x
    g['multiline_message'] = EG('eg', [V('first line\nsecond line')])
    g['base_group'] = BEG('b', [CancelledError(), V('v')])
    shared = V('shared')
    g['seen_context_skipped'] = EG('eg', [shared,
                                          linked(T('t'), context=shared)])
    def star():
        try:
            raise EG('eg', [V('1'), OS('2')])
        except* OS:
            raise T('3')
    try:
        star()
    except BaseException as e:  # noqa: B036
        g['except_star_result'] = without_tracebacks(e)
    return g


def without_tracebacks(e, seen=None):
    """Drops __traceback__ everywhere: libtg has locations, not stacks."""
    seen = set() if seen is None else seen
    if e is None or id(e) in seen:
        return e
    seen.add(id(e))
    e.__traceback__ = None
    without_tracebacks(e.__cause__, seen)
    without_tracebacks(e.__context__, seen)
    for x in getattr(e, 'exceptions', ()):
        without_tracebacks(x, seen)
    return e


def python_render(e):
    """CPython's traceback text, with the two known differences of naming
    taken out: libtg's CancelledError is not in a module, and its KeyError
    shows its message as it is (str(KeyError) in Python is a repr).
    Trailing blanks go too: libtg does not print them."""
    text = ''.join(traceback.format_exception(e))
    text = text.replace('asyncio.exceptions.CancelledError', 'CancelledError')
    text = re.sub(r"KeyError: '(.*)'$", r'KeyError: \1', text, flags=re.M)
    return ''.join(line.rstrip() + '\n' for line in text.splitlines())


def check_golden():
    bad = 0
    errors = golden_errors()
    for name, e in sorted(errors.items()):
        path = os.path.join(GOLDEN, name + '.txt')
        try:
            with open(path) as f:
                ours = f.read()
        except OSError:
            print(f'MISSING golden {path}')
            bad += 1
            continue
        # Our renderer adds "at file:line" where Python shows a traceback.
        stripped = ''.join(line for line in ours.splitlines(keepends=True)
                           if not re.match(r'^[ |+-]*\s+at \S+:\d+$', line))
        want = python_render(e)
        if stripped != want:
            bad += 1
            print(f'MISMATCH golden {name}:\n--- ours (no locations)\n'
                  f'{stripped}--- CPython\n{want}')
    return bad, len(errors)


# ---- the expectations in the C source ------------------------------------

def c_cases():
    src = open(C_SOURCE).read()
    cases = {}
    row = re.compile(r'PARITY\(\s*(\w+)\s*,\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\)')
    for m in row.finditer(src):
        parts = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2))
        cases[m.group(1)] = ''.join(parts).replace('\\"', '"') \
                                           .replace('\\\\', '\\')
    return cases


def main():
    if '--print' in sys.argv:
        for name, fn in S.items():
            print(f'{name}\n    {fn()}')
        return 0
    cases = c_cases()
    bad = 0
    for name, fn in S.items():
        got = fn()
        if name not in cases:
            print(f'MISSING in C table: {name}\n    CPython: {got}')
            bad += 1
        elif cases[name] != got:
            print(f'MISMATCH {name}\n    C table: {cases[name]}\n'
                  f'    CPython: {got}')
            bad += 1
    for name in cases:
        if name not in S:
            print(f'NO PYTHON SCENARIO for C case {name}')
            bad += 1
    gbad, gcount = check_golden()
    bad += gbad
    print(f'{len(S)} parity scenarios, {gcount} golden files: '
          f'{"all match CPython " + sys.version.split()[0] if not bad else str(bad) + " problem(s)"}')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
