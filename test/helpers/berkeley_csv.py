#!/usr/bin/python3
"""Converts a Berkeley Astro 121 interferometer session (../shared/data/real/interferometer-berkeley-10ghz/,
see its README) to the strip-chart CSV `fringe import` reads: a header line, then `utc,volts` with ISO 8601 UTC
times, one line per valid sample. Samples taken while the dishes were homing (from a log line containing
'Start pointing home.' to the next containing 'Homing successful') and the 16 samples after each homing
(the dishes settling, as the course's own analysis discards) are left out.

usage: berkeley_csv.py SESSION.npz SESSION-log.gz OUT.csv
Prints one line of JSON: samples in, samples written, samples dropped as homing."""
import datetime, gzip, json, sys
import numpy as np

npz, log, out = sys.argv[1:4]
d = np.load(npz)
volts, jd = d['volts'], d['jd']
valid = []
homing = False
settle = 0
with gzip.open(log, 'rt') as f:
    for line in f:
        if 'Start pointing home.' in line:
            homing = True
        elif 'Homing successful' in line:
            homing = False
            settle = 16
        elif line.startswith('Measuring voltage:'):
            ok = not homing and settle == 0
            if not homing and settle > 0:
                settle -= 1
            valid.append(ok)
if len(valid) != len(volts):
    sys.exit(f'{log}: {len(valid)} measurements in the log, {len(volts)} samples in {npz}')
epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
with open(out, 'w') as f:
    f.write('utc,volts\n')
    for ok, v, j in zip(valid, volts, jd):
        if ok:
            t = epoch + datetime.timedelta(seconds=(j - 2440587.5) * 86400.0)
            f.write(f"{t.strftime('%Y-%m-%dT%H:%M:%S.%f')[:-3]}Z,{v:.6g}\n")
print(json.dumps({'samples': len(volts), 'written': int(sum(valid)), 'dropped': len(volts) - int(sum(valid))}))
