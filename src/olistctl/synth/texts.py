"""Portuguese review titles and messages, with the real file's text quirks.

Messages join a few phrases that fit the score; some are joined by commas,
some by CRLF line breaks (the raw file keeps ``\\r\\n`` inside quoted
comments), a handful are whitespace only (§1.2.6); :func:`with_quote` makes
a few quote a word.
"""

from __future__ import annotations

import numpy as np

import olistctl.synth.distributions as dist

GOOD = (
    "Produto chegou antes do prazo",
    "Recebi bem antes do prazo estipulado",
    "Ótimo produto",
    "Produto de excelente qualidade",
    "Entrega rápida e produto conforme anunciado",
    "Muito bom",
    "Chegou tudo certinho",
    "Gostei muito do produto",
    "Recomendo a loja",
    "Chegou bem embalado",
    "Estou muito satisfeita com a compra",
    "Excelente vendedor",
    "Produto original e de boa qualidade",
    "Superou minhas expectativas",
    "Parabéns pela rapidez na entrega",
    "Comprei e recebi sem problemas",
    "Tudo ok",
    "Recomendo",
    "Lindo, igual à foto",
    "Minha filha adorou",
)
MIXED = (
    "Produto bom mas a entrega demorou um pouco",
    "O produto é bom porém a embalagem veio amassada",
    "Razoável",
    "Esperava mais",
    "Chegou no prazo mas a cor é diferente da foto",
    "Ainda não usei mas parece bom",
    "Cumpre o que promete",
    "Qualidade mediana pelo preço",
    "O tamanho é menor do que eu imaginava",
    "Veio sem manual de instruções",
)
BAD = (
    "Produto não chegou",
    "Ainda não recebi o produto",
    "Comprei dois produtos e só recebi um",
    "Veio com defeito",
    "Produto diferente do anunciado",
    "Péssimo atendimento",
    "Não recomendo",
    "A entrega atrasou muito",
    "Não recebi e ninguém responde",
    "Quero meu dinheiro de volta",
    "O produto veio quebrado",
    "Recebi o produto errado",
    "Até agora nada",
    "Já passou do prazo de entrega",
    "Fiz a compra e até hoje nada",
)
# Longer accounts, so message lengths reach the real tail (P95 ~190 characters).
STORIES = {
    "good": (
        "Comprei para dar de presente e a pessoa adorou, o acabamento é muito bom e veio tudo "
        "bem protegido na caixa",
        "Já é a terceira vez que compro nessa loja e nunca tive problema nenhum com entrega ou "
        "com a qualidade dos produtos",
        "Estava com receio de comprar pela internet mas o produto chegou rapidinho e funcionando "
        "perfeitamente",
    ),
    "mixed": (
        "O produto em si é bom mas a entrega demorou mais do que o previsto e ninguém deu "
        "informação sobre o atraso",
        "Veio faltando uma peça pequena que consegui comprar separado, no geral atende ao que eu "
        "precisava",
    ),
    "bad": (
        "Comprei no começo do mês e até agora o produto não foi entregue, já entrei em contato "
        "várias vezes e ninguém resolve",
        "O pedido veio com dois itens mas eu comprei três, abri reclamação e até agora não tive "
        "resposta da loja",
        "O rastreamento diz que foi entregue mas eu não recebi nada, quero o estorno do valor "
        "pago o quanto antes",
    ),
}
QUOTED = (
    'Na caixa veio escrito "amostra grátis"',
    'O anúncio dizia "original" mas não é',
    'Chegou com a etiqueta "devolvido"',
)
TITLES_GOOD = (
    ("recomendo", 12), ("Recomendo", 10), ("super recomendo", 6), ("Ótimo ", 5), ("Bom", 4),
    ("Excelente", 5), ("Muito bom", 5), ("10", 3), ("Ótimo produto", 3), ("Adorei", 2),
    ("Nota 10", 2), ("Perfeito", 2), ("Muito satisfeita", 1), ("Produto ótimo", 1),
)  # fmt: skip
TITLES_MIXED = (("Bom", 5), ("Regular", 3), ("Razoável", 2), ("Poderia ser melhor", 1))
TITLES_BAD = (
    ("Não recebi", 6), ("Péssimo", 4), ("Decepcionada", 2), ("Atraso na entrega", 3),
    ("Produto com defeito", 2), ("Ruim", 3), ("Não recomendo", 3),
)  # fmt: skip


def _bank(score: int) -> tuple[tuple[str, ...], tuple[tuple[str, int], ...], tuple[str, ...]]:
    if score >= 4:
        return GOOD, TITLES_GOOD, STORIES["good"]
    if score == 3:
        return MIXED, TITLES_MIXED, STORIES["mixed"]
    return BAD, TITLES_BAD, STORIES["bad"]


def _weighted(options: tuple[tuple[str, int], ...], u: float) -> str:
    total = sum(w for _, w in options)
    edge = u * total
    for text, w in options:
        edge -= w
        if edge < 0:
            return text
    return options[-1][0]


def titles(rng: np.random.Generator, scores: np.ndarray) -> list[str]:
    """A title per score (the caller decides which reviews have one)."""
    u = rng.random(len(scores))
    return [_weighted(_bank(s)[1], x) for s, x in zip(scores.tolist(), u.tolist(), strict=True)]


def messages(rng: np.random.Generator, scores: np.ndarray) -> list[str]:
    """A message per score. Uniforms are drawn in one block, then composed in Python."""
    draws = rng.random((len(scores), 14)).tolist()
    return [_message(s, u) for s, u in zip(scores.tolist(), draws, strict=True)]


# Phrases per message: 1..5.
_PHRASE_COUNT_EDGES = (0.35, 0.70, 0.88, 0.96)
_STORY_SHARE = 0.12
_COMMA_JOIN_SHARE = 0.25


def with_quote(rng: np.random.Generator, message: str) -> str:
    """The message plus a sentence quoting a word (``"`` doubled in the file)."""
    quoted = QUOTED[int(rng.integers(len(QUOTED)))]
    text = message.rstrip(" .\r\n")
    return f"{text}. {quoted}" if text else quoted


def _message(score: int, u: list[float]) -> str:
    if u[0] < dist.MESSAGE_BLANK_SHARE:
        return " "
    phrases, _, stories = _bank(score)
    count = 1 + sum(u[1] >= edge for edge in _PHRASE_COUNT_EDGES)
    first = int(u[2] * len(phrases))
    # Distinct phrases: step through the bank from a random start.
    step = 1 + int(u[3] * (len(phrases) - 1))
    picked = list(dict.fromkeys(phrases[(first + i * step) % len(phrases)] for i in range(count)))
    if u[12] < _STORY_SHARE:
        picked.insert(int(u[13] * 2), stories[int(u[11] * len(stories))])
    text = picked[0]
    for i, phrase in enumerate(picked[1:]):
        joiner = ", " if u[6 + i % 2] < _COMMA_JOIN_SHARE else ". "
        text += joiner + (phrase[0].lower() + phrase[1:] if joiner == ", " else phrase)
    if u[9] < dist.MESSAGE_LINE_BREAK_SHARE:
        # The raw file keeps CRLF inside quoted comments, sometimes as the last characters.
        extra = phrases[int(u[11] * len(phrases))]
        text += ".\r\n" + extra if u[10] < 0.7 else "\r\n"
    return text
