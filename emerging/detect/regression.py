r"""Regressions of entry on its signals with fixed effects, as in Balland et al. (2019).

:func:`entry_regression` estimates, on stacked entry risk sets (one row per region-industry
not yet specialised at an origin, outcome: specialised ``horizon`` years later),

.. math::

    \Pr(\text{entry}_{ri}) = F\Big(\sum_k \beta_k x_{ri,k} + \alpha_r + \gamma_i + \tau_o\Big)

as a linear probability model (:math:`F` the identity, OLS) or a logit, with dummies for
the fixed effects named (``region``, ``industry``, ``as_of``) and standard errors
clustered by region. Covariates are standardised (mean 0, standard deviation 1) so that
each coefficient is the change in entry probability (LPM) or log-odds (logit) per
standard deviation. In a logit, a fixed-effect group whose outcome never varies (a region
with no entry) is perfectly predicted and is left out; the rows are counted.

Reference
---------
Balland, P.-A., Boschma, R., Crespo, J. & Rigby, D. L. (2019). Smart specialization policy
in the European Union: relatedness, knowledge complexity and regional diversification.
*Regional Studies*, 53(9), 1252-1268.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from emerging._schema import REGION


def entry_regression(
    frame: pl.DataFrame,
    *,
    covariates: Sequence[str],
    fixed_effects: Sequence[str] = ("region", "industry"),
    model: str = "lpm",
    outcome: str = "outcome",
    cluster: str = REGION,
) -> pl.DataFrame:
    """Coefficients, clustered standard errors and p-values of ``covariates``.

    Returns one row per covariate: ``term``, ``coef``, ``se``, ``p_value``, ``n`` (rows
    used), ``n_dropped`` (rows of perfectly predicted groups, logit only), ``model``,
    ``fixed_effects``.
    """
    import statsmodels.api as sm

    if model not in ("lpm", "logit"):
        raise ValueError(f"model must be 'lpm' or 'logit'; got {model!r}")
    data = frame.drop_nulls([outcome, *covariates, *fixed_effects, cluster])
    dropped = 0
    if model == "logit":
        for fe in fixed_effects:  # groups without variation are perfectly predicted
            varies = data.group_by(fe).agg(pl.col(outcome).cast(pl.Float64).std() > 0)
            keep = varies.filter(pl.col(outcome))[fe]
            before = data.height
            data = data.filter(pl.col(fe).is_in(keep.implode()))
            dropped += before - data.height
    x = data.select((pl.col(c) - pl.col(c).mean()) / pl.col(c).std() for c in covariates)
    dummies = [data.select(pl.col(fe).cast(pl.String)).to_dummies(drop_first=True)
               for fe in fixed_effects]
    design = pl.concat([x, *dummies], how="horizontal").to_numpy().astype(np.float64)
    design = sm.add_constant(design, has_constant="add")
    y = data[outcome].cast(pl.Float64).to_numpy()
    groups = data[cluster].cast(pl.Categorical).to_physical().to_numpy()
    kw = {"cov_type": "cluster", "cov_kwds": {"groups": groups}}
    if model == "lpm":
        fit = sm.OLS(y, design).fit(**kw)
    else:
        fit = sm.Logit(y, design).fit(disp=0, maxiter=300, method="newton", **kw)
    k = len(covariates)
    return pl.DataFrame({
        "term": list(covariates),
        "coef": np.asarray(fit.params)[1:k + 1],
        "se": np.asarray(fit.bse)[1:k + 1],
        "p_value": np.asarray(fit.pvalues)[1:k + 1],
        "n": [data.height] * k,
        "n_dropped": [dropped] * k,
        "model": [model] * k,
        "fixed_effects": [" + ".join(fixed_effects)] * k,
    })
