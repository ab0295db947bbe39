# chat-threaded's --timeout-ms trade-off: delivery latency (left) against idle CPU (right).
# The reference lines come from the calibration: half the effective timeout (what a line
# waits on average for the recipient's next timeout) and clients / effective timeout x the
# measured cost of one timed-out recv().
w = 1500; h = 450
load 'common.gp'
set multiplot layout 1, 3 title "chat-threaded: the receive timeout trades latency for idle CPU"
set logscale x
set xlabel '--timeout-ms'
set title 'delivery latency (100 clients x 200 msg/s)'
set ylabel 'latency (ms)'
set logscale y
set format y '%g'
plot datafile using (pick('threaded', 'timeout-load', column('timeout_ms'))):(column('p50_us') / 1000.0) \
        with linespoints lw 2 pt 5 lc rgb colour('threaded') title 'p50', \
     datafile using (pick('threaded', 'timeout-load', column('timeout_ms'))):(column('p99_us') / 1000.0) \
        with linespoints lw 1 dt 2 pt 4 lc rgb colour('threaded') title 'p99', \
     datafile using (pick('threaded', 'timeout-load', column('timeout_ms'))):(column('effective_timeout_ms') / 2.0) \
        with lines dt 3 lw 2 lc rgb 'black' title 'effective timeout / 2'
set title 'idle CPU (100 silent clients)'
set ylabel 'server CPU (% of one core)'
plot datafile using (pick('threaded', 'timeout-idle', column('timeout_ms'))):(column('server_cpu_pct')) \
        with linespoints lw 2 pt 5 lc rgb colour('threaded') title 'measured', \
     datafile using (pick('threaded', 'timeout-idle', column('timeout_ms'))):(column('predicted_idle_cpu_pct')) \
        with lines dt 3 lw 2 lc rgb 'black' title 'clients / timeout x wake-up cost'
unset key
set title 'the trade-off (labels: --timeout-ms)'
set xlabel 'idle CPU, 100 silent clients (% of one core)'
set ylabel 'p50 latency under load (ms)'
plot datafile using (pick('threaded', 'timeout-load', column('paired_idle_cpu_pct'))):(column('p50_us') / 1000.0) \
        with linespoints lw 2 pt 5 lc rgb colour('threaded') notitle, \
     datafile using (pick('threaded', 'timeout-load', column('paired_idle_cpu_pct'))):(column('p50_us') / 1000.0):(strcol('timeout_ms').' ms') \
        with labels offset 1.5, 0.8 notitle
unset multiplot
