"""A headless GNU Radio flowgraph reading an rtl_tcp server through
gr-osmosdr (the source GQRX uses), as the rtl_tcp test runs it:

  rtltcp_flowgraph.py PORT SAMPLES RATE_HZ FREQ_HZ RETUNE_HZ HOLD_S

Opens `rtl_tcp=127.0.0.1:PORT`, sets the sample rate and frequency, reads
SAMPLES complex samples, retunes to RETUNE_HZ, keeps the connection open
HOLD_S seconds, and prints one JSON line: the rate and frequency gr-osmosdr
reports, how many samples came, the first sample's counter value and how
many samples break the test source's counter pattern (I = s & 0xff,
Q = (s >> 8) & 0xff; gr-osmosdr maps a byte x to (x - 127.4) / 128).
"""
import json
import sys
import time

from gnuradio import blocks, gr
import osmosdr

port, samples, rate, freq, retune, hold = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
src = osmosdr.source(args="numchan=1 rtl_tcp=127.0.0.1:%s" % port)
src.set_sample_rate(rate)
src.set_center_freq(freq)
tb = gr.top_block()
head = blocks.head(gr.sizeof_gr_complex, samples)
sink = blocks.vector_sink_c()
tb.connect(src, head, sink)
tb.run()
data = sink.data()
src.set_center_freq(retune)
time.sleep(hold)


def byte(v):
    return int(round(v * 128 + 127.4))


first = byte(data[0].real) | (byte(data[0].imag) << 8) if data else None
bad = 0
for k, x in enumerate(data):
    s = first + k
    if byte(x.real) != s & 0xFF or byte(x.imag) != (s >> 8) & 0xFF:
        bad += 1
print(json.dumps({"rate": src.get_sample_rate(), "freq": src.get_center_freq(), "n": len(data), "first": first, "bad": bad}))
sys.stdout.flush()
