"""LSR corrections by astropy, for test/src/astro/lsr-astropy.test.ts.

stdin: JSON list of {lat, lon, alt, time (ISO UTC), ra, dec (J2000 deg)}.
stdout: JSON list of corrections (km/s): the observer's velocity toward the
direction relative to the kinematic LSR (astropy's LSRK frame), i.e.
v_LSR = v_topo + correction.
"""
import json
import sys
import warnings

import numpy as np
from astropy import units as u
from astropy.coordinates import EarthLocation, SkyCoord, FK4, ICRS
from astropy.time import Time
from astropy.utils import iers

iers.conf.auto_download = False
iers.conf.auto_max_age = None
warnings.simplefilter('ignore')

cases = json.load(sys.stdin)
out = []
# The Sun's velocity relative to the kinematic LSR in ICRS axes, as astropy's LSRK frame defines it
# (Gordon 1975: 20 km/s toward RA 18h, Dec +30° of B1900, through astropy's FK4 → ICRS transformation).
apex = SkyCoord(FK4(ra=270 * u.deg, dec=30 * u.deg, equinox='B1900')).transform_to(ICRS())
lsrk = 20 * apex.cartesian.xyz.value
for c in cases:
    loc = EarthLocation.from_geodetic(lon=c['lon'] * u.deg, lat=c['lat'] * u.deg, height=c['alt'] * u.m)
    t = Time(c['time'], scale='utc')
    sc = SkyCoord(ra=c['ra'] * u.deg, dec=c['dec'] * u.deg, frame='icrs')
    bary = sc.radial_velocity_correction(kind='barycentric', obstime=t, location=loc).to(u.km / u.s).value
    n = sc.cartesian.xyz.value
    out.append(float(bary + np.dot(n, lsrk)))
print(json.dumps({'lsrk': list(lsrk), 'corrections': out}))
