"""Units of analysis are checked where tables meet."""

import pytest

from dyadwatch.derived import DERIVED
from dyadwatch.errors import UnitOfAnalysisError
from dyadwatch.tables import TABLES
from dyadwatch.units import DIRECTED, STATE_YEAR, UNDIRECTED, check_join, unit_of


def test_every_table_declares_a_unit():
    for name in [*TABLES, *DERIVED]:
        assert unit_of(name)


def test_directed_with_undirected_is_refused_with_the_fix():
    with pytest.raises(UnitOfAnalysisError, match="both orders"):
        check_join(unit_of("alliance_dyad_year"), unit_of("trade_dyad_year"))
    with pytest.raises(UnitOfAnalysisError):
        check_join(UNDIRECTED, DIRECTED)


def test_state_year_needs_the_side_it_describes():
    with pytest.raises(UnitOfAnalysisError, match="state_key"):
        check_join(DIRECTED, STATE_YEAR)
    check_join(DIRECTED, unit_of("trade_state_year"), state_key="a")  # the key mapping is given: allowed
    check_join(STATE_YEAR, STATE_YEAR)
    check_join(unit_of("votes"), unit_of("roll_calls"))  # other units are not this check's business


def test_unknown_table_is_a_bug():
    with pytest.raises(KeyError):
        unit_of("no_such_table")
