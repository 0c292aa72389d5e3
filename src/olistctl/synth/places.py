"""Brazilian places the synthetic addresses are drawn from.

Zip-prefix ranges are the Correios CEP ranges of each state (first five
digits). Cities are a few real ones per state with approximate centre
coordinates and a relative weight: the weights of the top customer cities are
set to their share of their state's customers (docs/olist-dataset.md §1.2.1: sao
paulo 15,540 of SP's 41,746 ...), the others roughly follow population. The
real data has 4,119 customer cities; this list has 200. The first city of
each state is its capital, which takes the lowest prefixes of the state's
range as in the real CEP plan. Names are spelled with their accents; customer
files use the unaccented lowercase form, geolocation mixes both (§1.1).
"""

from __future__ import annotations

import functools
import unicodedata

# State -> inclusive 5-digit zip-prefix ranges.
ZIP_RANGES: dict[str, tuple[tuple[int, int], ...]] = {
    "SP": ((1_000, 19_999),),
    "RJ": ((20_000, 28_999),),
    "ES": ((29_000, 29_999),),
    "MG": ((30_000, 39_999),),
    "BA": ((40_000, 48_999),),
    "SE": ((49_000, 49_999),),
    "PE": ((50_000, 56_999),),
    "AL": ((57_000, 57_999),),
    "PB": ((58_000, 58_999),),
    "RN": ((59_000, 59_999),),
    "CE": ((60_000, 63_999),),
    "PI": ((64_000, 64_999),),
    "MA": ((65_000, 65_999),),
    "PA": ((66_000, 68_899),),
    "AP": ((68_900, 68_999),),
    "AM": ((69_000, 69_299), (69_400, 69_899)),
    "RR": ((69_300, 69_399),),
    "AC": ((69_900, 69_999),),
    "DF": ((70_000, 72_799), (73_000, 73_699)),
    "GO": ((72_800, 72_999), (73_700, 76_799)),
    "RO": ((76_800, 76_999),),
    "TO": ((77_000, 77_999),),
    "MT": ((78_000, 78_899),),
    "MS": ((79_000, 79_999),),
    "PR": ((80_000, 87_999),),
    "SC": ((88_000, 89_999),),
    "RS": ((90_000, 99_999),),
}

# State -> (city, weight, latitude, longitude), capital first.
CITIES: dict[str, tuple[tuple[str, float, float, float], ...]] = {
    "SP": (
        ("são paulo", 200, -23.55, -46.63),
        ("campinas", 24, -22.91, -47.06),
        ("guarulhos", 19, -23.46, -46.53),
        ("são bernardo do campo", 15, -23.69, -46.56),
        ("santo andré", 20, -23.66, -46.53),
        ("osasco", 18, -23.53, -46.79),
        ("santos", 17, -23.96, -46.33),
        ("são josé dos campos", 17, -23.18, -45.88),
        ("sorocaba", 15, -23.50, -47.46),
        ("ribeirão preto", 15, -21.18, -47.81),
        ("jundiaí", 13, -23.19, -46.88),
        ("mogi das cruzes", 10, -23.52, -46.19),
        ("piracicaba", 9, -22.73, -47.65),
        ("são josé do rio preto", 9, -20.82, -49.38),
        ("bauru", 8, -22.31, -49.06),
        ("barueri", 8, -23.51, -46.88),
        ("são caetano do sul", 8, -23.62, -46.57),
        ("taubaté", 6, -23.03, -45.56),
        ("diadema", 6, -23.69, -46.62),
        ("carapicuíba", 6, -23.52, -46.84),
        ("praia grande", 6, -24.01, -46.41),
        ("são carlos", 6, -22.02, -47.89),
        ("cotia", 6, -23.60, -46.92),
        ("indaiatuba", 6, -23.09, -47.22),
        ("limeira", 5, -22.56, -47.40),
        ("americana", 5, -22.74, -47.33),
        ("franca", 5, -20.54, -47.40),
        ("marília", 5, -22.21, -49.95),
        ("presidente prudente", 5, -22.12, -51.39),
        ("araraquara", 5, -21.79, -48.18),
        ("são vicente", 5, -23.96, -46.39),
        ("guarujá", 4, -23.99, -46.26),
        ("suzano", 4, -23.54, -46.31),
        ("taboão da serra", 4, -23.61, -46.76),
        ("valinhos", 4, -22.97, -46.99),
        ("atibaia", 4, -23.12, -46.55),
        ("jacareí", 4, -23.31, -45.97),
        ("sumaré", 4, -22.82, -47.27),
        ("itu", 3, -23.26, -47.30),
        ("bragança paulista", 3, -22.95, -46.54),
        ("hortolândia", 3, -22.86, -47.22),
        ("ibitinga", 1, -21.76, -48.83),
        ("guariba", 1, -21.36, -48.23),
        ("auriflama", 1, -20.69, -50.56),
    ),
    "RJ": (
        ("rio de janeiro", 430, -22.91, -43.20),
        ("niterói", 80, -22.88, -43.10),
        ("nova iguaçu", 50, -22.76, -43.45),
        ("são gonçalo", 60, -22.83, -43.05),
        ("duque de caxias", 45, -22.79, -43.31),
        ("petrópolis", 25, -22.51, -43.18),
        ("campos dos goytacazes", 25, -21.75, -41.32),
        ("volta redonda", 20, -22.52, -44.10),
        ("macaé", 18, -22.37, -41.79),
        ("teresópolis", 14, -22.41, -42.97),
        ("cabo frio", 14, -22.88, -42.02),
        ("nova friburgo", 12, -22.28, -42.53),
        ("angra dos reis", 9, -23.01, -44.32),
    ),
    "MG": (
        ("belo horizonte", 98, -19.92, -43.94),
        ("contagem", 40, -19.93, -44.05),
        ("juiz de fora", 45, -21.76, -43.35),
        ("uberlândia", 50, -18.92, -48.28),
        ("betim", 25, -19.97, -44.20),
        ("montes claros", 22, -16.73, -43.86),
        ("uberaba", 20, -19.75, -47.93),
        ("governador valadares", 15, -18.85, -41.95),
        ("ipatinga", 15, -19.47, -42.54),
        ("divinópolis", 15, -20.14, -44.88),
        ("sete lagoas", 14, -19.46, -44.25),
        ("poços de caldas", 14, -21.79, -46.56),
        ("varginha", 10, -21.55, -45.43),
        ("pouso alegre", 10, -22.23, -45.94),
        ("barbacena", 8, -21.23, -43.77),
        ("lavras", 8, -21.25, -45.00),
    ),
    "RS": (
        ("porto alegre", 95, -30.03, -51.23),
        ("caxias do sul", 60, -29.17, -51.18),
        ("pelotas", 40, -31.77, -52.34),
        ("canoas", 40, -29.92, -51.18),
        ("santa maria", 35, -29.69, -53.81),
        ("novo hamburgo", 30, -29.68, -51.13),
        ("passo fundo", 25, -28.26, -52.41),
        ("são leopoldo", 20, -29.76, -51.15),
        ("gravataí", 20, -29.94, -50.99),
        ("rio grande", 15, -32.03, -52.10),
    ),
    "PR": (
        ("curitiba", 130, -25.43, -49.27),
        ("londrina", 75, -23.31, -51.16),
        ("maringá", 60, -23.42, -51.94),
        ("ponta grossa", 35, -25.09, -50.16),
        ("cascavel", 30, -24.96, -53.46),
        ("são josé dos pinhais", 30, -25.53, -49.21),
        ("foz do iguaçu", 25, -25.55, -54.59),
        ("colombo", 20, -25.29, -49.22),
        ("guarapuava", 15, -25.39, -51.46),
        ("apucarana", 10, -23.55, -51.46),
    ),
    "SC": (
        ("florianópolis", 150, -27.60, -48.55),
        ("joinville", 100, -26.30, -48.85),
        ("blumenau", 80, -26.92, -49.07),
        ("são josé", 50, -27.61, -48.63),
        ("itajaí", 40, -26.91, -48.66),
        ("chapecó", 35, -27.10, -52.62),
        ("criciúma", 35, -28.68, -49.37),
        ("balneário camboriú", 35, -26.99, -48.63),
        ("lages", 20, -27.82, -50.33),
        ("jaraguá do sul", 25, -26.49, -49.07),
    ),
    "BA": (
        ("salvador", 136, -12.97, -38.50),
        ("feira de santana", 60, -12.27, -38.97),
        ("vitória da conquista", 35, -14.86, -40.84),
        ("lauro de freitas", 30, -12.90, -38.33),
        ("camaçari", 25, -12.70, -38.32),
        ("itabuna", 20, -14.79, -39.28),
        ("ilhéus", 20, -14.79, -39.05),
        ("juazeiro", 15, -9.41, -40.50),
        ("barreiras", 15, -12.15, -45.00),
        ("porto seguro", 12, -16.45, -39.06),
    ),
    "DF": (
        ("brasília", 20_000, -15.79, -47.88),
        ("taguatinga", 40, -15.83, -48.06),
        ("gama", 20, -16.02, -48.06),
        ("sobradinho", 15, -15.65, -47.79),
    ),
    "ES": (
        ("vitória", 120, -20.32, -40.34),
        ("vila velha", 130, -20.33, -40.29),
        ("serra", 100, -20.13, -40.31),
        ("cariacica", 70, -20.26, -40.42),
        ("cachoeiro de itapemirim", 40, -20.85, -41.11),
        ("linhares", 30, -19.39, -40.07),
        ("colatina", 25, -19.54, -40.63),
        ("guarapari", 25, -20.67, -40.50),
    ),
    "GO": (
        ("goiânia", 400, -16.68, -49.25),
        ("aparecida de goiânia", 100, -16.82, -49.24),
        ("anápolis", 70, -16.33, -48.95),
        ("rio verde", 40, -17.79, -50.92),
        ("luziânia", 25, -16.25, -47.95),
        ("águas lindas de goiás", 25, -15.76, -48.28),
        ("valparaíso de goiás", 25, -16.07, -47.98),
        ("catalão", 15, -18.17, -47.94),
    ),
    "PE": (
        ("recife", 380, -8.05, -34.88),
        ("jaboatão dos guararapes", 100, -8.11, -35.01),
        ("olinda", 60, -8.01, -34.85),
        ("caruaru", 45, -8.28, -35.98),
        ("petrolina", 40, -9.39, -40.50),
        ("paulista", 40, -7.94, -34.87),
        ("cabo de santo agostinho", 20, -8.29, -35.03),
        ("garanhuns", 15, -8.89, -36.49),
    ),
    "CE": (
        ("fortaleza", 600, -3.73, -38.52),
        ("caucaia", 50, -3.74, -38.65),
        ("juazeiro do norte", 40, -7.21, -39.31),
        ("maracanaú", 35, -3.88, -38.63),
        ("sobral", 30, -3.69, -40.35),
        ("crato", 15, -7.23, -39.41),
    ),
    "PA": (
        ("belém", 450, -1.46, -48.49),
        ("ananindeua", 100, -1.37, -48.37),
        ("santarém", 60, -2.44, -54.71),
        ("marabá", 50, -5.37, -49.12),
        ("castanhal", 35, -1.30, -47.92),
        ("parauapebas", 35, -6.07, -49.90),
    ),
    "MT": (
        ("cuiabá", 400, -15.60, -56.10),
        ("várzea grande", 120, -15.65, -56.13),
        ("rondonópolis", 80, -16.47, -54.64),
        ("sinop", 60, -11.86, -55.50),
        ("tangará da serra", 30, -14.62, -57.49),
    ),
    "MA": (
        ("são luís", 450, -2.53, -44.30),
        ("imperatriz", 100, -5.52, -47.47),
        ("são josé de ribamar", 50, -2.56, -44.05),
        ("timon", 40, -5.09, -42.84),
        ("caxias", 30, -4.86, -43.36),
    ),
    "MS": (
        ("campo grande", 500, -20.47, -54.62),
        ("dourados", 100, -22.22, -54.81),
        ("três lagoas", 60, -20.75, -51.68),
        ("corumbá", 40, -19.01, -57.65),
    ),
    "PB": (
        ("joão pessoa", 450, -7.12, -34.86),
        ("campina grande", 200, -7.23, -35.88),
        ("santa rita", 40, -7.11, -34.98),
        ("patos", 30, -7.02, -37.28),
    ),
    "PI": (
        ("teresina", 600, -5.09, -42.80),
        ("parnaíba", 80, -2.90, -41.78),
        ("picos", 40, -7.08, -41.47),
    ),
    "RN": (
        ("natal", 500, -5.79, -35.21),
        ("mossoró", 120, -5.19, -37.34),
        ("parnamirim", 100, -5.92, -35.26),
        ("são gonçalo do amarante", 30, -5.79, -35.33),
    ),
    "AL": (
        ("maceió", 600, -9.67, -35.74),
        ("arapiraca", 100, -9.75, -36.66),
        ("rio largo", 30, -9.48, -35.85),
    ),
    "SE": (
        ("aracaju", 600, -10.91, -37.07),
        ("nossa senhora do socorro", 80, -10.86, -37.13),
        ("lagarto", 40, -10.92, -37.65),
    ),
    "TO": (
        ("palmas", 400, -10.18, -48.33),
        ("araguaína", 150, -7.19, -48.21),
        ("gurupi", 60, -11.73, -49.07),
    ),
    "RO": (
        ("porto velho", 450, -8.76, -63.90),
        ("ji-paraná", 100, -10.88, -61.95),
        ("ariquemes", 70, -9.91, -63.04),
        ("vilhena", 60, -12.74, -60.15),
    ),
    "AM": (
        ("manaus", 900, -3.12, -60.02),
        ("parintins", 40, -2.63, -56.74),
        ("itacoatiara", 30, -3.14, -58.44),
    ),
    "AC": (
        ("rio branco", 700, -9.97, -67.81),
        ("cruzeiro do sul", 80, -7.63, -72.67),
    ),
    "AP": (
        ("macapá", 700, 0.03, -51.07),
        ("santana", 100, -0.06, -51.18),
    ),
    "RR": (
        ("boa vista", 900, 2.82, -60.67),
        ("rorainópolis", 30, 0.94, -60.42),
    ),
}

# Brazil's bounding box (lat_min, lat_max, lng_min, lng_max): the extreme points of
# the country, used to tell ordinary points from the real file's outliers.
BRAZIL_BOX = (-33.75, 5.27, -73.99, -34.79)

# Coordinates that fall outside Brazil's bounding box, as a few real rows do
# (docs/olist-dataset.md §1.2.2: lat up to 45.07, lng up to 121.11, down to -101.47).
OUTSIDE_BRAZIL: tuple[tuple[float, float], ...] = (
    (45.065933, 9.341528),
    (42.184003, -8.723762),
    (38.381672, -6.328200),
    (29.409252, -98.484121),
    (21.657547, -101.466766),
    (-36.605374, -64.283946),
    (41.614460, 121.105394),
    (40.400000, -3.700000),
)


@functools.cache  # a few hundred names, asked once per customer row
def unaccented(name: str) -> str:
    """``são paulo`` -> ``sao paulo``: how customer files spell cities."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
