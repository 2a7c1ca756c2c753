#!/usr/bin/python3
"""A careful manual fit of an SRT .rad cross-scan, independent of Fringe's code.

Reads the .rad file itself (numpy only), takes the spectra recorded after the
'* tsys' calibration line (kelvin), averages channels 10..n-10 (the author's
choice: the outer channels roll off), splits the azimuth scan (el offset held)
and the elevation scan (az offset held), and fits each with
    P(x) = b0 + b1 (x - mean x) + A * R(x - x0; beam) / R(0; beam)
where R is a Gaussian beam of FWHM `beam` convolved with a 0.533-degree
uniform disk, computed here by brute force on a grid over the disk (not the
Bessel-function quadrature Fringe uses). x is on the sky: az offset * cos(el).
Levenberg-Marquardt with a numerical Jacobian; 1-sigma errors from the
covariance scaled by the residuals' reduced chi-square.

Points chosen by hand (the "careful" part): the azimuth scan whole (its far
baseline is flat); the elevation scan from el offset -9.4 up (dish elevation
>= 24 degrees): below, the ground and interference at 6-22 degrees elevation
give up to 1000 K, far above any sun sidelobe.

Usage: srt_manual_fit.py FILE.rad  -> one JSON object on stdout.
"""
import json
import sys

import numpy as np

DISK = 0.533


def read(path):
    calibrated = False
    rows = []
    with open(path, encoding='latin-1') as f:
        for line in f:
            s = line.strip()
            if not s:
                continue
            if s.startswith('*'):
                if s[1:].strip().startswith('tsys'):
                    calibrated = True
                continue
            fields = s.split()
            nchan = int(fields[8])
            spec = np.array([float(v) for v in fields[9:9 + nchan]])
            if calibrated and nchan == 156:
                rows.append((float(fields[1]), float(fields[2]), float(fields[3]), float(fields[4]), spec[10:nchan - 10].mean()))
    return np.array(rows)


# The disk as a grid of equal-area points.
_g = np.linspace(-DISK / 2, DISK / 2, 81)
_dx, _dy = np.meshgrid(_g, _g)
_inside = _dx ** 2 + _dy ** 2 <= (DISK / 2) ** 2
DX, DY = _dx[_inside], _dy[_inside]


def response(x, beam):
    x = np.atleast_1d(x)[:, None]
    return np.exp(-4 * np.log(2) * ((x - DX) ** 2 + DY ** 2) / beam ** 2).mean(axis=1)


def model(p, x, pivot):
    b0, b1, a, x0, beam = p
    return b0 + b1 * (x - pivot) + a * response(x - x0, beam) / response(0.0, beam)[0]


def fwhm_of(beam):
    """Full width at half maximum of the convolved profile (degrees), by bisection."""
    peak = response(0.0, beam)[0]
    lo, hi = 0.0, beam + DISK
    for _ in range(60):
        mid = (lo + hi) / 2
        if response(mid, beam)[0] > peak / 2:
            lo = mid
        else:
            hi = mid
    return lo + hi


def fit(x, y):
    pivot = x.mean()
    k = np.argmax(y)
    base = np.median(y)
    p = np.array([base, 0.0, y[k] - base, x[k], 0.5 * (x.max() - x.min()) / 4])
    lam = 1e-3

    def chi2(q):
        return np.sum((y - model(q, x, pivot)) ** 2)

    c = chi2(p)
    for _ in range(500):
        J = np.empty((len(x), 5))
        for i in range(5):
            h = 1e-6 * max(abs(p[i]), 1e-3)
            up, dn = p.copy(), p.copy()
            up[i] += h
            dn[i] -= h
            J[:, i] = (model(up, x, pivot) - model(dn, x, pivot)) / (2 * h)
        r = y - model(p, x, pivot)
        A = J.T @ J
        g = J.T @ r
        step = np.linalg.solve(A + lam * np.diag(np.diag(A)), g)
        q = p + step
        cq = chi2(q)
        if cq <= c:
            done = c - cq < 1e-12 * c
            p, c, lam = q, cq, lam / 10
            if done:
                break
        else:
            lam *= 10
    J = np.empty((len(x), 5))
    for i in range(5):
        h = 1e-6 * max(abs(p[i]), 1e-3)
        up, dn = p.copy(), p.copy()
        up[i] += h
        dn[i] -= h
        J[:, i] = (model(up, x, pivot) - model(dn, x, pivot)) / (2 * h)
    dof = len(x) - 5
    cov = np.linalg.inv(J.T @ J) * c / dof
    err = np.sqrt(np.diag(cov))
    beam = abs(p[4])
    f = fwhm_of(beam)
    # The convolved FWHM's sigma: its derivative with respect to the beam times the beam's sigma.
    dfdb = (fwhm_of(beam * 1.001) - fwhm_of(beam * 0.999)) / (0.002 * beam)
    return {
        'points': int(len(x)),
        'beam_deg': beam, 'beam_deg_sigma': err[4],
        'fwhm_deg': f, 'fwhm_deg_sigma': abs(dfdb) * err[4],
        'centre_sky_deg': p[3], 'centre_sky_deg_sigma': err[3],
        'peak_k': p[2], 'peak_k_sigma': err[2],
        'baseline_k': p[0] + p[1] * (p[3] - pivot),
        'rms_k': float(np.sqrt(c / dof)),
    }


def main(path):
    d = read(path)
    az, el, azo, elo, pw = d.T
    # The azimuth scan: el offset 2.6, the 31 steps from -24.3 to 35.7 (the (5.7, 2.6) point recorded in it, not the el scan's).
    idx_az = [i for i in range(len(d)) if np.isclose(elo[i], 2.6) and i < 40 and azo[i] >= -24.31]
    idx_el = [i for i in range(len(d)) if np.isclose(azo[i], 5.7) and i >= 40 and elo[i] >= -9.41]
    xa = azo[idx_az] * np.cos(np.radians(el[idx_az]))
    ra = fit(xa, pw[idx_az])
    scale = np.mean(np.cos(np.radians(el[idx_az])))
    ra['centre_deg'] = ra['centre_sky_deg'] / scale
    ra['centre_deg_sigma'] = ra['centre_sky_deg_sigma'] / scale
    re = fit(elo[idx_el], pw[idx_el])
    re['centre_deg'] = re['centre_sky_deg']
    re['centre_deg_sigma'] = re['centre_sky_deg_sigma']
    print(json.dumps({'az': ra, 'el': re}))


if __name__ == '__main__':
    main(sys.argv[1])
