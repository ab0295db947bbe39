# One design's timeline: one lane per thread while one line fans out (harness/trace.py).
# The caller sets (run from harness/plots/):
#   fmt 'svg'|'png', datafile DESIGN.dat, outfile, design (async|threaded|hybrid: its colour),
#   title, subtitle, ytics_spec ('"main" 0, "client 1" 1, ...'), nlanes,
#   xmin, xmax (top panel: the whole scene, the same for every design),
#   zmin, zmax (bottom panel: the fan-out), last_ms, silence_from, silence_to.
#
#   gnuplot -e "fmt='png'; datafile='../../results/trace/async.dat'; outfile='/tmp/a.png'; \
#     design='async'; title='t'; subtitle='s'; ytics_spec='\"main\" 0'; nlanes=1; \
#     xmin=-100; xmax=380; zmin=-0.1; zmax=1; last_ms=0.9; silence_from=0.9; \
#     silence_to=301" trace.gp
#
# datafile blocks (index): 0 bars "lane t0 t1 wait", 1 marks "lane t mark",
# 2 hand-offs "t lane dt dlane wait", 3 deliveries "t lane client".

# Every lane gets the same height in every figure; the legend sits under both panels.
lane_px = 24
area_px = lane_px * (nlanes < 2 ? 2 : nlanes) + 16
w = 1200
title_px = 66
gap_px = 78
below_px = 52
key_px = 84
h = title_px + 2 * area_px + gap_px + below_px + key_px
load 'common.gp'
set datafile separator whitespace
set datafile nocolumnheaders
set grid xtics lc rgb '#e4e4e4'
set grid noytics

# wait codes: 1 recv (SO_RCVTIMEO), 2 select/poll/epoll, 3 condition variable, 4 lock, 5 other
wait_fill(k) = k == 1 ? 0xf4b6b6 : (k == 2 ? 0xb8d3ee : (k == 3 ? 0xbfe3b4 : \
               (k == 4 ? 0xf7cf94 : 0xd6d6d6)))
half = 0.26

# Positions in screen coordinates (pixels / canvas size).
L = 130.0 / w
R = 1.0 - 30.0 / w
top_hi = 1.0 - title_px * 1.0 / h
top_lo = top_hi - area_px * 1.0 / h
bot_hi = top_lo - gap_px * 1.0 / h
bot_lo = bot_hi - area_px * 1.0 / h
key_hi = bot_lo - below_px * 1.0 / h

set multiplot title sprintf("{/:Bold %s}\n%s", title, subtitle) font ',13'
set lmargin at screen L
set rmargin at screen R
eval sprintf("set ytics (%s) nomirror", ytics_spec)
set yrange [nlanes - 0.5 + (nlanes < 2 ? 0.5 : 0) : -0.5 - (nlanes < 2 ? 0.5 : 0)]
set ytics scale 0
set border 3
set xtics nomirror
set tics font ',10'

# ---- top: the whole scene ------------------------------------------------------------
set tmargin at screen top_hi
set bmargin at screen top_lo
set xrange [xmin : xmax]
set xlabel "ms from the line's arrival at the server (the whole scene: idle, the line, the silence)" offset 0,0.4
set object 1 rect from silence_from, graph 0 to silence_to, graph 1 behind \
    fc rgb '#fff6d5' fs solid 1.0 noborder
set label 1 sprintf("%.0f ms of silence", silence_to - silence_from) \
    at (silence_from + silence_to) / 2, graph 1.04 center font ',10' tc rgb '#8a6d00'
set arrow 1 from 0, graph 0 to 0, graph 1 nohead dt 2 lw 1.2 lc rgb '#444444' front
set label 2 "line arrives" at 0, graph 1.04 center font ',10'
set key at screen L, screen key_hi left top Left reverse vertical maxrows 4 \
    box lc rgb '#bbbbbb' opaque samplen 1.5 spacing 1.15 font ',10' width -1

plot \
  datafile index 0 using (($4 == 1) ? ($2 + $3) / 2 : NaN):1:(($3 - $2) / 2):(half) \
      with boxxyerror fs solid 1.0 noborder lc rgb wait_fill(1) title "asleep in recv() (SO\\_RCVTIMEO armed)", \
  '' index 0 using (($4 == 2) ? ($2 + $3) / 2 : NaN):1:(($3 - $2) / 2):(half) \
      with boxxyerror fs solid 1.0 noborder lc rgb wait_fill(2) title "asleep in select/poll/epoll\\_wait", \
  '' index 0 using (($4 == 3) ? ($2 + $3) / 2 : NaN):1:(($3 - $2) / 2):(half) \
      with boxxyerror fs solid 1.0 noborder lc rgb wait_fill(3) title "asleep on a condition variable", \
  '' index 0 using (($4 == 4) ? ($2 + $3) / 2 : NaN):1:(($3 - $2) / 2):(half) \
      with boxxyerror fs solid 1.0 noborder lc rgb wait_fill(4) title "asleep waiting for a lock", \
  '' index 0 using (($4 == 5) ? ($2 + $3) / 2 : NaN):1:(($3 - $2) / 2):(half) \
      with boxxyerror fs solid 1.0 noborder lc rgb wait_fill(5) title "asleep elsewhere (accept, join, ...)", \
  '' index 1 using 2:(($3 == 1) ? $1 : NaN) with points pt 9 ps 0.9 lc rgb '#1f4e9a' title "receive: data", \
  '' index 1 using 2:(($3 == 2) ? $1 : NaN) with points pt 8 ps 0.7 lc rgb '#6f8fc0' title "receive: nothing there (EAGAIN)", \
  '' index 1 using 2:(($3 == 3) ? $1 : NaN) with points pt 11 ps 0.9 lc rgb '#333333' title "send", \
  '' index 1 using 2:(($3 == 4) ? $1 : NaN) with points pt 5 ps 0.6 lc rgb '#1f77b4' title "select/poll/epoll\\_wait returns", \
  '' index 1 using 2:(($3 == 5) ? $1 : NaN) with points pt 2 ps 0.9 lw 1.5 lc rgb '#d62728' title "socket timeout: recv() gave up", \
  '' index 1 using 2:(($3 == 6) ? $1 : NaN) with points pt 6 ps 0.8 lw 1.2 lc rgb '#2ca02c' title "futex wait returns (woken)", \
  '' index 1 using 2:(($3 == 7) ? $1 : NaN) with points pt 13 ps 0.8 lc rgb '#17601a' title "futex wake (wakes a thread)", \
  '' index 2 every ::0::0 using 1:2:3:4 with vectors head filled size screen 0.006,20 lw 1 lc rgb '#17601a' title "hand-off: futex wake -> woken thread", \
  '' index 3 using 1:2 with points pt 7 ps 1.5 lc rgb '#f0b400' title "the line delivered to a client", \
  '' index 3 using 1:2 with points pt 6 ps 1.5 lc rgb '#7a5a00' notitle

# ---- bottom: the fan-out, zoomed -----------------------------------------------------
unset key
unset object 1
unset label 1
set tmargin at screen bot_hi
set bmargin at screen bot_lo
set xrange [zmin : zmax]
set xlabel sprintf("zoom: ms from the line's arrival to its last delivery (+%.3g ms); numbers: which client got it", last_ms) offset 0,0.4
set arrow 2 from last_ms, graph 0 to last_ms, graph 1 nohead dt 3 lw 1.2 lc rgb '#b38600' front
set label 3 sprintf("last delivery +%.3g ms", last_ms) at last_ms, graph 1.04 center font ',10' tc rgb '#8a6d00'

plot \
  datafile index 0 using (($4 == 1) ? ($2 + $3) / 2 : NaN):1:(($3 - $2) / 2):(half) \
      with boxxyerror fs solid 1.0 noborder lc rgb wait_fill(1), \
  '' index 0 using (($4 == 2) ? ($2 + $3) / 2 : NaN):1:(($3 - $2) / 2):(half) \
      with boxxyerror fs solid 1.0 noborder lc rgb wait_fill(2), \
  '' index 0 using (($4 == 3) ? ($2 + $3) / 2 : NaN):1:(($3 - $2) / 2):(half) \
      with boxxyerror fs solid 1.0 noborder lc rgb wait_fill(3), \
  '' index 0 using (($4 == 4) ? ($2 + $3) / 2 : NaN):1:(($3 - $2) / 2):(half) \
      with boxxyerror fs solid 1.0 noborder lc rgb wait_fill(4), \
  '' index 0 using (($4 == 5) ? ($2 + $3) / 2 : NaN):1:(($3 - $2) / 2):(half) \
      with boxxyerror fs solid 1.0 noborder lc rgb wait_fill(5), \
  '' index 2 using 1:2:3:4 with vectors head filled size screen 0.006,20 lw 1 lc rgb '#17601a', \
  '' index 1 using 2:(($3 == 1) ? $1 : NaN) with points pt 9 ps 1.1 lc rgb '#1f4e9a', \
  '' index 1 using 2:(($3 == 2) ? $1 : NaN) with points pt 8 ps 0.9 lc rgb '#6f8fc0', \
  '' index 1 using 2:(($3 == 3) ? $1 : NaN) with points pt 11 ps 1.1 lc rgb '#333333', \
  '' index 1 using 2:(($3 == 4) ? $1 : NaN) with points pt 5 ps 0.8 lc rgb '#1f77b4', \
  '' index 1 using 2:(($3 == 5) ? $1 : NaN) with points pt 2 ps 1.1 lw 1.5 lc rgb '#d62728', \
  '' index 1 using 2:(($3 == 6) ? $1 : NaN) with points pt 6 ps 1.0 lw 1.2 lc rgb '#2ca02c', \
  '' index 1 using 2:(($3 == 7) ? $1 : NaN) with points pt 13 ps 1.0 lc rgb '#17601a', \
  '' index 3 using 1:2 with points pt 7 ps 1.9 lc rgb '#f0b400', \
  '' index 3 using 1:2 with points pt 6 ps 1.9 lc rgb '#7a5a00', \
  '' index 3 using 1:2:(sprintf('%d', $3)) with labels offset 0,1.05 font ',9' tc rgb '#5a4200'

unset multiplot
