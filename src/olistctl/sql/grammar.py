"""Syntax sqlglot's Trino reader accepts but Trino's grammar does not: refused by name.

sqlglot reads Athena SQL with a parser shared by every dialect it knows, so it also
reads DuckDB's, MySQL's and PostgreSQL's syntax (``FROM t SELECT …``, ``* EXCLUDE (…)``,
``GROUP BY ALL``, ``x::int``, a trailing comma …), and DuckDB answers most of it; Athena
(engine v3, Trino) fails it as a syntax error. Each check names the rule of Trino's
grammar the construct is not in (trinodb/trino,
core/trino-grammar/src/main/antlr4/io/trino/grammar/sql/SqlBase.g4). Two kinds:

- ``check_tokens``: tokens Trino's lexer has not, or token sequences its rules never
  produce (sqlglot's tree does not keep them: ``x::int`` is a CAST there);
- ``check_tree``: what sqlglot's tree records, including two marks its parser sets for
  this module (``FROM_FIRST``, ``JOIN_WORD``: see ``transpile.AthenaQuery``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlglot import exp
from sqlglot.tokenizer_core import Token, TokenType

from olistctl.errors import SqlError
from olistctl.sql.comments import segments
from olistctl.sql.rewrite import node_position, start_column

# Meta keys the parser sets: where a query written FROM first began, and where a join
# written with the JOIN keyword (not a comma) has it.
FROM_FIRST = "olistctl_from_first"
JOIN_WORD = "olistctl_join_word"

Position = tuple[int | None, int | None]


def token_position(token: Token) -> Position:
    return token.line, start_column(token.col, token.start, token.end)


def _refuse(at: Position, message: str, hint: str) -> SqlError:
    line, column = at
    return SqlError(message, line=line, column=column, hint=hint)


# Tokens of sqlglot's lexer that Trino's has not (SqlBase.g4's lexer rules: the
# comparison operators EQ '=', NEQ '<>' | '!=', LT, LTE, GT, GTE; the arithmetic ones
# PLUS, MINUS, ASTERISK, SLASH, PERCENT; CONCAT '||'; '->' and '=>'), with what to write.
_FOREIGN_TOKENS: dict[TokenType, tuple[str, str]] = {
    TokenType.NULLSAFE_EQ: ("<=>", "write x IS NOT DISTINCT FROM y"),
    TokenType.CARET: ("^", "use power(x, y)"),
    TokenType.TILDE: ("~", "use bitwise_not(x)"),
    TokenType.AMP: ("&", "use bitwise_and(x, y)"),
    TokenType.PIPE: ("|", "use bitwise_or(x, y), or || to join text"),
    TokenType.DAMP: ("&&", "write AND"),
    TokenType.COLON_EQ: (":=", "pass arguments by position"),
    TokenType.DARROW: ("->>", "use json_extract_scalar(json, path)"),
    TokenType.HASH_ARROW: ("#>", "use json_extract(json, path)"),
    TokenType.DHASH_ARROW: ("#>>", "use json_extract_scalar(json, path)"),
    TokenType.RLIKE: ("{word}", "use regexp_like(x, pattern)"),
    TokenType.ISNULL: ("{word}", "write x IS NULL"),
    TokenType.NOTNULL: ("{word}", "write x IS NOT NULL"),
    TokenType.PIPE_GT: ("|>", "write one SELECT … FROM … WHERE … query"),
}

# What cannot follow a comma in Trino's grammar, where every comma stands between two
# items of a list (selectItem, expression, sortItem, groupingElement, identifier …).
_AFTER_NO_COMMA = frozenset(
    {
        TokenType.R_PAREN,
        TokenType.R_BRACKET,
        TokenType.FROM,
        TokenType.WHERE,
        TokenType.GROUP_BY,
        TokenType.HAVING,
        TokenType.ORDER_BY,
        TokenType.UNION,
        TokenType.INTERSECT,
        TokenType.EXCEPT,
        TokenType.SEMICOLON,
    }
)

# SqlBase.g4 intervalField: YEAR | MONTH | DAY | HOUR | MINUTE | SECOND.
_INTERVAL_FIELDS = frozenset({"YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"})


# Syntax only some Trino versions have (a version of SqlBase.g4 has valueExpression
# TYPECAST type; Trino 482, June 2026, added BETWEEN SYMMETRIC and IS [NOT] TRUE / FALSE;
# today's INTEGER_VALUE reads 1_000, 0x1F, 0o17 and 0b101, where an older one is DIGIT+
# and reads 0b101 as a DIGIT_IDENTIFIER, an error): which of them Athena's engine has is
# not known, so the local engine refuses them without saying Athena has not.
def _newer_trino(written: str) -> str:
    return (
        f"The local engine does not run {written}: only some versions of Trino have it,"
        " and Athena's may not"
    )


# Today's INTEGER_VALUE: … | OCTAL_INTEGER | BINARY_INTEGER, fragment OCTAL_INTEGER:
# '0O' ('_'? [0-7])+, fragment BINARY_INTEGER: '0B' ('_'? [01])+ (the lexer reads any
# case). sqlglot reads 0b101 as the number 0 named b101.
_OCTAL_OR_BINARY = re.compile(r"0O(_?[0-7])+|0B(_?[01])+", re.IGNORECASE)


# Where a '[' opens DuckDB's list literal ([1, 2]) rather than a subscript (x[1]): after
# a token that ends no primaryExpression (G4: value=primaryExpression '[' index ']').
_BEFORE_LIST = frozenset(
    {
        TokenType.SELECT,
        TokenType.COMMA,
        TokenType.L_PAREN,
        TokenType.L_BRACKET,
        TokenType.IN,
        TokenType.WHEN,
        TokenType.THEN,
        TokenType.ELSE,
        TokenType.ARROW,
        TokenType.EQ,
        TokenType.NEQ,
        TokenType.LT,
        TokenType.LTE,
        TokenType.GT,
        TokenType.GTE,
        TokenType.PLUS,
        TokenType.DASH,
        TokenType.STAR,
        TokenType.SLASH,
        TokenType.MOD,
        TokenType.DPIPE,
        TokenType.AND,
        TokenType.OR,
        TokenType.NOT,
        TokenType.WHERE,
        TokenType.HAVING,
        TokenType.ON,
        TokenType.BETWEEN,
        TokenType.LIKE,
        TokenType.CASE,
        TokenType.DISTINCT,
        TokenType.GROUP_BY,
        TokenType.ORDER_BY,
    }
)


# The type names Athena's queries take: "For DML queries like SELECT, CTAS, and INSERT
# INTO, Athena uses Trino data type names" (AWS, "Data types in Amazon Athena",
# https://docs.aws.amazon.com/athena/latest/ug/data-types.html, and its "Data type
# examples" page). sqlglot reads other dialects' names too (STRING, TEXT, INT64, INT8 as a
# TINYINT, LONG, NUMERIC, FLOAT …), which DuckDB then ran.
_DML_TYPES = frozenset(
    {
        "boolean",
        "tinyint",
        "smallint",
        "integer",
        "int",
        "bigint",
        "real",
        "double",
        "decimal",
        "char",
        "varchar",
        "varbinary",
        "json",
        "date",
        "time",
        "timestamp",
        "interval",
        "array",
        "map",
        "row",
        "ipaddress",
        "uuid",
    }
)
# The DDL (Hive) names AWS's page pairs with a DML name.
_DML_NAME_OF = {"string": "VARCHAR", "float": "REAL", "binary": "VARBINARY"}
# Trino's sketch types (trinodb/trino docs/src/main/sphinx/language/types.md: HyperLogLog,
# P4HyperLogLog, SetDigest, QDigest, TDigest), cast to and from varbinary: Athena's page
# does not list them, but they are Trino's, so the local engine refuses them as its own gap.
_SKETCH_TYPES = frozenset({"hyperloglog", "p4hyperloglog", "setdigest", "qdigest", "tdigest"})


def _cast_type(tokens: Sequence[Token], index: int) -> Token | None:
    """The first token of the type a CAST( or TRY_CAST( at ``index`` casts to."""
    depth = 0
    for at in range(index + 1, len(tokens)):
        kind = tokens[at].token_type
        if kind == TokenType.L_PAREN:
            depth += 1
        elif kind == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return None
        elif kind == TokenType.ALIAS and depth == 1 and at + 1 < len(tokens):
            return tokens[at + 1]
    return None


# Text outside quotes and comments that no rule of Trino's grammar takes: ``{# … #}`` is a
# comment to sqlglot (its Jinja comments, in every dialect), whose text it dropped;
# BRACKETED_COMMENT: '/*' .*? '*/' ends at the first ``*/`` (comments do not nest), so
# ``*/`` outside a comment is ``*`` then ``/``, and a ``/*`` with no ``*/`` after it is
# ``/`` then ``*`` (sqlglot's tokenizer failed it, quoting the text up to it).
_FOREIGN_TEXT = {
    "/*": ("Syntax error: a /* comment has no */ to close it", "close the comment with */"),
    "{#": (
        "Syntax error: {# … #} is no comment in Athena",
        "write -- comment, or /* comment */",
    ),
    "*/": (
        "Syntax error: */ closes no comment (Athena's /* … */ comments do not nest)",
        "close each comment with one */, or remove the extra */",
    ),
}


def check_text(sql: str) -> None:
    """Refuse the first text outside quotes and comments that Trino's grammar does not read."""
    found = [
        (at, written)
        for kind, start, end in segments(sql)
        if kind == "code"
        for written in _FOREIGN_TEXT
        if (at := sql.find(written, start, end)) >= 0
    ]
    if found:
        at, written = min(found)
        message, hint = _FOREIGN_TEXT[written]
        line = sql.count("\n", 0, at) + 1
        raise _refuse((line, at - sql.rfind("\n", 0, at)), message, hint)


def check_tokens(tokens: Sequence[Token], sql: str) -> None:
    """Refuse the first token, or run of tokens, that Trino's grammar does not produce."""
    for index, token in enumerate(tokens):
        kind = token.token_type
        before = tokens[index - 1] if index > 0 else None
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        if (
            token.text.upper() in ("CAST", "TRY_CAST")
            and after is not None
            and after.token_type == TokenType.L_PAREN
        ):
            target = _cast_type(tokens, index)
            name = target.text.split()[0].lower() if target is not None else ""
            if target is not None and name in _SKETCH_TYPES:
                raise _refuse(
                    token_position(target),
                    f"The local engine does not run a CAST to {target.text.upper()}",
                    "run it on --backend aws",
                )
            if target is not None and name not in _DML_TYPES:
                instead = _DML_NAME_OF.get(name)
                raise _refuse(
                    token_position(target),
                    f"Athena's queries have no type {target.text.upper()}",
                    f"write {instead}"
                    if instead
                    else "use a Trino type name: varchar, integer,"
                    " bigint, double, decimal(p, s), date, timestamp …",
                )
        if (
            kind == TokenType.VAR
            and token.text.upper() in ("IGNORE", "RESPECT")
            and after is not None
            and after.text.upper() == "NULLS"
            and index + 2 < len(tokens)
            and tokens[index + 2].token_type == TokenType.R_PAREN
        ):
            # functionCall: … ')' filter? (nullTreatment? over)?: the null treatment comes
            # after the call's parentheses; sqlglot reads lag(x IGNORE NULLS) as the same.
            word = token.text.upper()
            raise _refuse(
                token_position(token),
                f"Syntax error: {word} NULLS goes after the function's parentheses in Athena",
                f"write it after the ')', as in lag(x) {word} NULLS OVER (…)",
            )
        if kind == TokenType.MATCH_RECOGNIZE:
            # patternRecognition: aliasedRelation (MATCH_RECOGNIZE '(' … PATTERN '('
            # rowPattern ')' …)?, whose rowPattern has '|', '^', '$' and '{-' … '-}' of its
            # own: checked as operators below, they were called foreign to Athena.
            raise _refuse(
                token_position(token),
                "The local engine does not run MATCH_RECOGNIZE",
                "run it on --backend aws",
            )
        if kind == TokenType.DCOLON:
            raise _refuse(
                token_position(token), _newer_trino("the :: cast"), "write CAST(x AS type)"
            )
        if kind == TokenType.LIKE and token.text.upper() != "LIKE":  # PostgreSQL's ~~
            raise _refuse(
                token_position(token),
                f"The {token.text} operator does not exist in Athena",
                "write x LIKE pattern",
            )
        if (
            kind == TokenType.GROUPING_SETS
            and before is not None
            and before.token_type
            not in (TokenType.COMMA, TokenType.GROUP_BY, TokenType.ALL, TokenType.DISTINCT)
            and not (before.token_type == TokenType.L_PAREN)
        ):
            # groupBy: setQuantifier? groupingElement (',' groupingElement)*: Hive's
            # GROUP BY a GROUPING SETS (…) has no comma.
            raise _refuse(
                token_position(token),
                "Syntax error: GROUPING SETS after GROUP BY columns needs a comma in Athena",
                "write GROUP BY GROUPING SETS ((a), ()) or GROUP BY a, GROUPING SETS (…)",
            )
        if kind == TokenType.NATIONAL_STRING:
            raise _refuse(
                token_position(token),
                "Syntax error: N'…' text does not exist in Athena",
                "write the text in plain quotes: 'text'",
            )
        if kind == TokenType.L_BRACKET and (before is None or before.token_type in _BEFORE_LIST):
            raise _refuse(
                token_position(token),
                "Syntax error: a bracketed list [ … ] is not an array in Athena",
                "write ARRAY[…] (or (…) after IN)",
            )
        foreign = _FOREIGN_TOKENS.get(kind)
        if foreign is None and kind == TokenType.EQ and token.text == "==":
            foreign = ("==", "write =")
        if foreign is None and kind == TokenType.NOT and token.text == "!":
            foreign = ("!", "write NOT")
        if (
            foreign is None
            and kind == TokenType.LT
            and after is not None
            and after.token_type == TokenType.LT
            and after.start == token.end + 1
        ):
            foreign = ("<<", "use bitwise_left_shift(x, n)")
        if foreign is not None:
            written, hint = foreign
            written = written.format(word=token.text.upper())
            raise _refuse(
                token_position(token), f"The {written} operator does not exist in Athena", hint
            )
        if kind == TokenType.COMMA and (after is None or after.token_type in _AFTER_NO_COMMA):
            where = f"before {after.text}" if after is not None else "at the end"
            raise _refuse(
                token_position(token),
                "Syntax error: a comma with nothing after it (Athena allows no trailing comma)",
                f"remove the comma {where}",
            )
        if kind == TokenType.HEX_STRING and sql[token.start : token.start + 2].lower() == "0x":
            raise _refuse(
                token_position(token),
                _newer_trino(f"the number {sql[token.start : token.end + 1]}"),
                "write it in decimal digits",
            )
        if (
            kind == TokenType.NUMBER
            and after is not None
            and after.start == token.end + 1
            # Not a quoted name (IDENTIFIER): 1"x" is the number 1 named x (selectSingle:
            # expression (AS? identifier)?; QUOTED_IDENTIFIER is a token of its own).
            and after.token_type == TokenType.VAR
        ):
            written = sql[token.start : after.end + 1]
            if _OCTAL_OR_BINARY.fullmatch(written):
                raise _refuse(
                    token_position(token),
                    _newer_trino(f"the number {written}"),
                    "write it in decimal digits",
                )
            raise _refuse(
                token_position(token),
                _newer_trino(written)
                if after.text.startswith("_")
                else f"Syntax error: {written} is neither a number nor a name in Athena",
                'write numbers in plain digits, and quote a name that starts with a digit ("1st")',
            )
        if kind == TokenType.STRING and after is not None and after.token_type == TokenType.STRING:
            raise _refuse(
                token_position(after),
                "Syntax error: Athena does not join quoted texts written one after another",
                "write them as one text, or join them with ||",
            )
        if kind == TokenType.INTERVAL and after is not None:
            _check_interval(tokens, index)
        if (
            kind == TokenType.LIKE
            and after is not None
            and after.token_type in (TokenType.ANY, TokenType.ALL, TokenType.SOME)
        ):
            raise _refuse(
                token_position(after),
                f"LIKE {after.text.upper()} (…) does not exist in Athena",
                "write one LIKE per pattern, joined with OR (or AND)",
            )
        if (
            kind == TokenType.BETWEEN
            and after is not None
            and after.text.upper() in ("SYMMETRIC", "ASYMMETRIC")
        ):
            raise _refuse(
                token_position(after),
                _newer_trino(f"BETWEEN {after.text.upper()}"),
                "write x BETWEEN low AND high, with the bounds in order",
            )
        if kind == TokenType.ALIAS and after is not None and after.token_type == TokenType.STRING:
            raise _refuse(
                token_position(after),
                "Syntax error: a name in Athena is not written in single quotes",
                f'write AS "{after.text}"',
            )
        if (
            kind == TokenType.LIMIT
            and index + 2 < len(tokens)
            and tokens[index + 1].token_type == TokenType.NUMBER
            and tokens[index + 2].token_type == TokenType.COMMA
        ):
            raise _refuse(
                token_position(token),
                "LIMIT offset, count does not exist in Athena",
                "write OFFSET offset LIMIT count",
            )
        if (
            kind == TokenType.FILTER
            and index > 0
            and tokens[index - 1].token_type == TokenType.R_PAREN  # not the filter() function
            and after is not None
            and after.token_type == TokenType.L_PAREN
            and index + 2 < len(tokens)
            and tokens[index + 2].token_type != TokenType.WHERE
        ):
            raise _refuse(
                token_position(token),
                "Syntax error: FILTER takes a WHERE clause in Athena",
                "write FILTER (WHERE condition)",
            )
    nested = _nested_grouping_element(tokens)
    if nested is not None:
        raise _refuse(
            token_position(nested),
            f"Syntax error: {_GROUPING_ELEMENTS[nested.token_type]} inside the parentheses"
            " of a grouping element does not exist in Athena",
            "list the grouping sets it stands for, as GROUPING SETS ((a, b), (a), ()) does"
            " for ROLLUP (a, b)",
        )


# groupBy: setQuantifier? groupingElement (',' groupingElement)*; groupingElement:
# groupingSet | ROLLUP '(' … ')' | CUBE '(' … ')' | GROUPING SETS '(' groupingSet … ')';
# groupingSet: '(' (expression (',' expression)*)? ')' | expression. ROLLUP, CUBE and
# GROUPING are reserved (not in nonReserved), so no expression starts with one: each stands
# only at its GROUP BY's own level, never inside another's parentheses (DuckDB nests them).
_GROUPING_ELEMENTS = {
    TokenType.ROLLUP: "ROLLUP",
    TokenType.CUBE: "CUBE",
    TokenType.GROUPING_SETS: "GROUPING SETS",
}


def _nested_grouping_element(tokens: Sequence[Token]) -> Token | None:
    """The first ROLLUP, CUBE or GROUPING SETS within parentheses opened after a GROUP BY."""
    depth = 0
    group_by: list[int] = []  # the depth of each GROUP BY whose clause may go on
    for token in tokens:
        kind = token.token_type
        if kind == TokenType.L_PAREN:
            depth += 1
        elif kind == TokenType.R_PAREN:
            depth -= 1
            while group_by and group_by[-1] > depth:
                group_by.pop()  # the subquery that held it has ended
        elif kind == TokenType.GROUP_BY:
            group_by.append(depth)
        elif kind in _GROUPING_ELEMENTS and group_by and depth > group_by[-1]:
            return token
    return None


def _check_interval(tokens: Sequence[Token], index: int) -> None:
    """SqlBase.g4 interval: INTERVAL sign=(PLUS | MINUS)? string from=intervalField
    (TO to=intervalField)?; the INTERVAL type (INTERVAL DAY TO SECOND) starts with a field."""
    at = index + 1
    if tokens[at].token_type in (TokenType.PLUS, TokenType.DASH) and at + 1 < len(tokens):
        at += 1
    value = tokens[at]
    if value.token_type == TokenType.NUMBER:
        raise _refuse(
            token_position(value),
            "Syntax error: an interval's value is quoted text in Athena",
            f"write INTERVAL '{value.text}' DAY (or YEAR, MONTH, HOUR, MINUTE, SECOND)",
        )
    if value.token_type != TokenType.STRING:
        return
    field = tokens[at + 1] if at + 1 < len(tokens) else None
    if field is not None and field.text.upper()[:-1] in _INTERVAL_FIELDS:
        raise _refuse(
            token_position(field),
            f"Syntax error: {field.text} is not an interval unit in Athena",
            f"write INTERVAL '{value.text}' {field.text.upper()[:-1]}",
        )
    if field is None or field.text.upper() not in _INTERVAL_FIELDS:
        raise _refuse(
            token_position(field if field is not None else value),
            f"Syntax error: the interval '{value.text}' needs its unit after the quotes in"
            " Athena, one of YEAR, MONTH, DAY, HOUR, MINUTE, SECOND",
            "write INTERVAL '2' DAY, not INTERVAL '2 days'",
        )


def check_tree(tree: exp.Expr) -> None:
    """Refuse the first construct of the parsed query that Trino's grammar has not."""
    for node in tree.walk():
        problem = _problem(node)
        if problem is not None:
            at, message, hint = problem
            raise _refuse(at, message, hint)


def _problem(node: exp.Expr) -> tuple[Position, str, str] | None:
    if isinstance(node, exp.Select) and FROM_FIRST in node.meta:
        # querySpecification: SELECT setQuantifier? selectItem (',' selectItem)* (FROM …)?
        return (
            node.meta[FROM_FIRST],
            "A query that starts with FROM does not exist in Athena",
            "write SELECT … FROM …",
        )
    if isinstance(node, exp.Star):
        # selectItem: … | primaryExpression '.' ASTERISK (AS columnAliases)? | ASTERISK
        for key, word in (
            ("except_", "EXCLUDE / EXCEPT"),
            ("replace", "REPLACE"),
            ("rename", "RENAME"),
            ("ilike", "ILIKE"),
        ):
            if node.args.get(key):
                return (
                    node_position(node),
                    f"* {word} (…) does not exist in Athena",
                    "list the columns you want in the SELECT list",
                )
    if isinstance(node, exp.Star) and isinstance(node.parent, (exp.Like, exp.ILike, exp.Binary)):
        # selectItem: … | ASTERISK: a star is a select item (or count(*)), no operand.
        return (
            node_position(node.parent),
            "Syntax error: * is no value in Athena (DuckDB's * LIKE '…' picks columns)",
            "list the columns you want in the SELECT list",
        )
    if isinstance(node, exp.Columns):
        return (
            node_position(node),
            "COLUMNS(…) does not exist in Athena",
            "list the columns you want in the SELECT list",
        )
    if isinstance(node, exp.Group):
        return _group_problem(node)
    if isinstance(node, exp.Distinct) and node.args.get("on") is not None:
        # setQuantifier: DISTINCT | ALL
        return (
            node_position(node.args["on"]),
            "SELECT DISTINCT ON (…) does not exist in Athena",
            "keep one row per key with row_number() OVER (PARTITION BY …) in a subquery",
        )
    if isinstance(node, exp.Join):
        return _join_problem(node)
    if isinstance(node, exp.SetOperation) and node.args.get("by_name"):
        # queryTerm: … operator=(UNION | EXCEPT) setQuantifier? right=queryTerm
        return (
            node_position(node.right),
            "UNION BY NAME does not exist in Athena",
            "list the columns of both queries in the same order",
        )
    if isinstance(node, exp.Is) and not isinstance(node.expression, exp.Null):
        # predicate: IS NOT? NULL | IS NOT? DISTINCT FROM right=valueExpression
        return (
            node_position(node),
            _newer_trino(f"IS {node.expression.sql(dialect='trino')}"),
            "compare with = (x = true), or write x IS NOT DISTINCT FROM true",
        )
    if (
        isinstance(node, exp.In)
        and not node.expressions
        and node.args.get("query") is None
        and node.args.get("unnest") is None
        and node.args.get("field") is None
    ):
        # predicate: NOT? IN '(' expression (',' expression)* ')'
        return (
            node_position(node),
            "Syntax error: IN () lists nothing",
            "list at least one value",
        )
    if isinstance(node, exp.Unnest) and isinstance(node.parent, exp.Lateral):
        # relationPrimary: … | LATERAL '(' query ')': LATERAL takes a query, not UNNEST.
        return (
            node_position(node),
            "Syntax error: LATERAL UNNEST(…) does not exist in Athena",
            "write CROSS JOIN UNNEST(array) AS t(x)",
        )
    if isinstance(node, exp.Unnest) and not isinstance(node.parent, (exp.From, exp.Join)):
        # UNNEST is reserved in G4 and only a relation (relationPrimary: UNNEST '(' … ')').
        return (
            node_position(node),
            "UNNEST(…) in an expression does not exist in Athena",
            "unnest in the FROM clause: … CROSS JOIN UNNEST(array) AS t(x)",
        )
    if isinstance(node, exp.WindowSpec) and node.args.get("exclude") is not None:
        # frameExtent: (RANGE | ROWS | GROUPS) (BETWEEN)? frameBound …: no EXCLUDE.
        return (
            node_position(node),
            "A window frame's EXCLUDE clause does not exist in Athena",
            "leave EXCLUDE out, or subtract the excluded rows' values",
        )
    if isinstance(node, exp.TableSample) and (
        not isinstance(node.parent, (exp.Table, exp.Subquery))
        or (node.args.get("method") or exp.Var(this="")).name.upper() not in ("BERNOULLI", "SYSTEM")
        or node.args.get("size") is not None
    ):
        # sampledRelation: … TABLESAMPLE sampleType '(' percentage=expression ')';
        # sampleType: BERNOULLI | SYSTEM. No DuckDB USING SAMPLE, RESERVOIR, or rows. The
        # relation sampled may be a table or a subquery (relationPrimary: qualifiedName |
        # '(' query ')' | …), which DuckDB samples alike.
        return (
            node_position(node),
            "Syntax error: a sample is TABLESAMPLE BERNOULLI (p) or TABLESAMPLE SYSTEM (p) in"
            " Athena",
            "write FROM t TABLESAMPLE BERNOULLI (10)",
        )
    if isinstance(node, exp.Slice):
        # primaryExpression: value=primaryExpression '[' index=valueExpression ']'
        return (
            node_position(node),
            "The [start:end] slice does not exist in Athena",
            "use slice(array, start, length)",
        )
    if isinstance(node, exp.Select):
        return _select_problem(node)
    if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
        # namedQuery: name=identifier (columnAliases)? AS '(' query ')'
        return (
            node_position(node),
            "WITH … AS [NOT] MATERIALIZED does not exist in Athena",
            "write WITH name AS (query)",
        )
    foreign = _FOREIGN_NODES.get(type(node))
    if foreign is not None:
        word, hint = foreign
        return node_position(node), f"{word} does not exist in Athena", hint
    return None


# Nodes of sqlglot's own for what Trino's grammar has not (relationPrimary has no PIVOT,
# predicate no GLOB or SIMILAR TO).
_FOREIGN_NODES: dict[type, tuple[str, str]] = {
    exp.Pivot: ("PIVOT / UNPIVOT", "aggregate with CASE: sum(CASE WHEN k = 'a' THEN v END)"),
    exp.Glob: ("GLOB", "use LIKE, or regexp_like(x, pattern)"),
    exp.SimilarTo: ("SIMILAR TO", "use regexp_like(x, pattern)"),
}


def _group_problem(group: exp.Group) -> tuple[Position, str, str] | None:
    # groupBy: setQuantifier? groupingElement (',' groupingElement)*: GROUP BY ALL must
    # name what it groups by (ALL there is the set quantifier, not DuckDB's "every
    # column"), and ROLLUP / CUBE come before their columns.
    elements = [
        *group.expressions,
        *group.args.get("grouping_sets", []),
        *group.args.get("rollup", []),
        *group.args.get("cube", []),
    ]
    if group.args.get("all") and not elements:
        return (
            node_position(group),
            "GROUP BY ALL does not exist in Athena",
            "name the columns to group by: GROUP BY a, b (or GROUP BY 1, 2)",
        )
    for key in ("rollup", "cube"):
        for element in group.args.get(key, []):
            if not element.expressions:
                word = key.upper()
                return (
                    node_position(group),
                    f"GROUP BY … WITH {word} does not exist in Athena",
                    f"write GROUP BY {word} (a, b)",
                )
    return None


def _join_problem(join: exp.Join) -> tuple[Position, str, str] | None:
    kind = (join.args.get("kind") or "").upper()
    if kind in ("SEMI", "ANTI", "ASOF") or (join.args.get("method") or "").upper() == "ASOF":
        # relation: … joinType JOIN …; joinType: INNER? | LEFT OUTER? | RIGHT OUTER? | FULL OUTER?
        word = kind or "ASOF"
        return (
            node_position(join),
            f"{word} JOIN does not exist in Athena",
            "use WHERE [NOT] EXISTS (…) or IN (…)"
            if word != "ASOF"
            else "join on a range, or pick the row with max_by / row_number()",
        )
    written = join.meta.get(JOIN_WORD)
    if (
        written is not None
        and kind != "CROSS"
        and (join.args.get("method") or "").upper() != "NATURAL"
        and join.args.get("on") is None
        and not join.args.get("using")
    ):
        # relation: … joinType JOIN rightRelation=relation joinCriteria; joinCriteria:
        # ON booleanExpression | USING '(' identifier (',' identifier)* ')'
        return (
            written,
            "Syntax error: a JOIN needs ON or USING in Athena",
            "add ON condition or USING (column), or write CROSS JOIN",
        )
    return None


# Clauses of other dialects that sqlglot keeps on a SELECT (querySpecification has SELECT,
# FROM, WHERE, GROUP BY, HAVING, WINDOW only); DuckDB dropped or ran them.
_FOREIGN_CLAUSES = {
    "distribute": "DISTRIBUTE BY",
    "sort": "SORT BY",
    "cluster": "CLUSTER BY",
    "connect": "START WITH … CONNECT BY",
}


def _select_problem(select: exp.Select) -> tuple[Position, str, str] | None:
    for key, word in _FOREIGN_CLAUSES.items():
        clause = select.args.get(key)
        if clause is not None:
            return (
                node_position(clause),
                f"{word} does not exist in Athena",
                "use ORDER BY" if key != "connect" else "write a WITH RECURSIVE query",
            )
    if select.args.get("kind"):
        return (
            node_position(select),
            f"SELECT AS {select.args['kind']} does not exist in Athena",
            "write SELECT … (ROW(…) or CAST(ROW(…) AS ROW(…)) for a row)",
        )
    if select.args.get("locks"):
        return (
            node_position(select),
            "SELECT … FOR UPDATE / FOR SHARE does not exist in Athena",
            "leave the locking clause out",
        )
    limit, offset = select.args.get("limit"), select.args.get("offset")
    # queryNoWith: … (OFFSET offset=rowCount (ROW | ROWS)?)? ((LIMIT limitRowCount) |
    # (FETCH (FIRST | NEXT) (fetchFirst=rowCount)? (ROW | ROWS) (ONLY | WITH TIES)))?;
    # limitRowCount: ALL | rowCount; rowCount: INTEGER_VALUE | QUESTION_MARK.
    for clause, count in (
        ("LIMIT", limit.expression if isinstance(limit, exp.Limit) else None),
        ("FETCH", limit.args.get("count") if isinstance(limit, exp.Fetch) else None),
        ("OFFSET", offset.expression if isinstance(offset, exp.Offset) else None),
    ):
        if count is None or _is_row_count(count) or (clause == "LIMIT" and _is_all(count)):
            continue
        return (
            node_position(count),
            f"Syntax error: {clause} takes a whole number in Athena, not an expression",
            _COUNT_HINTS[clause],
        )
    if isinstance(limit, exp.Limit) and isinstance(offset, exp.Offset):
        limit_at, offset_at = node_position(limit.expression), node_position(offset.expression)
        if None not in (*limit_at, *offset_at) and limit_at < offset_at:
            return (
                node_position(offset.expression),
                "Syntax error: OFFSET comes before LIMIT in Athena",
                "write OFFSET n LIMIT m",
            )
    options = limit.args.get("limit_options") if isinstance(limit, exp.Limit) else None
    if isinstance(limit, exp.Limit) and (
        limit.expressions or (options is not None and options.args.get("with_ties"))
    ):
        # queryNoWith: … (LIMIT limitRowCount | FETCH … (ONLY | WITH TIES)): no LIMIT … BY
        # (ClickHouse) and no LIMIT … WITH TIES.
        return (
            node_position(limit),
            "Syntax error: LIMIT takes a number of rows only in Athena (no BY, no WITH TIES)",
            "write LIMIT 10",
        )
    if isinstance(limit, exp.Limit) and options is not None and options.args.get("percent"):
        # limitRowCount: ALL | rowCount (DuckDB's LIMIT 10 PERCENT, LIMIT 10%).
        return (
            node_position(limit),
            "Syntax error: LIMIT … PERCENT does not exist in Athena",
            "write LIMIT with a number of rows",
        )
    options = limit.args.get("limit_options") if isinstance(limit, exp.Fetch) else None
    if isinstance(limit, exp.Fetch) and options is not None and options.args.get("with_ties"):
        # Athena has it (queryNoWith: … (ONLY | WITH TIES)); DuckDB has not, and sqlglot
        # wrote a LIMIT that dropped the ties.
        return (
            node_position(limit),
            "The local engine does not run FETCH … WITH TIES",
            "run it on --backend aws",
        )
    return None


_COUNT_HINTS = {
    "LIMIT": "write LIMIT 10 (or LIMIT ALL)",
    "FETCH": "write FETCH FIRST 10 ROWS ONLY",
    "OFFSET": "write OFFSET 10",
}


def _is_row_count(node: exp.Expr) -> bool:
    return (isinstance(node, exp.Literal) and node.is_int) or isinstance(node, exp.Placeholder)


def _is_all(node: exp.Expr) -> bool:
    return isinstance(node, exp.Var) and node.name.upper() == "ALL"
