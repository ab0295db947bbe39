# Past 1000 clients: delivery latency and CPU per delivery against connected clients, every
# client sending at the same rate (so a room of N clients carries rate x N x N deliveries/s),
# in multiples of the calibrated floor. Needs series_list (scale_common.gp), send_us and
# cpu_pct; rate_per_client, p99_factor and cpu_factor for the target lines.
w = 1350; h = 500
load 'common.gp'
load 'scale_common.gp'
set key below horizontal
set bmargin 7
set multiplot layout 1, 3 title sprintf( \
    "Past 1000 clients: each client sends %g msg/s (the whole room: clients x %g msg/s), one fresh server per point", \
    rate_per_client, rate_per_client)
set logscale x
set xrange [700:14000]
set xtics (1000, 2000, 3000, 5000, 10000)
set xlabel 'connected clients'

set title 'p99 latency / one fan-out (clients x one send())'
set logscale y
set format y '%g'
set ylabel 'p99 in multiples of one fan-out'
plot for [s in series_list] datafile \
        using (pickp(s, 'scale-load', column('clients'))):(column('p99_us') / (column('clients') * send_us)) \
        with linespoints lw 2 dt sdash(s) pt marker(sv(s)) lc rgb scolour(s) title stitle(s), \
     p99_factor with lines dt 2 lc rgb 'black' title sprintf('target: %g x one fan-out', p99_factor)

set title 'server CPU per delivery / one send()'
unset logscale y
set yrange [0:*]
set ylabel 'CPU per delivery in multiples of one send()'
plot for [s in series_list] datafile \
        using (pickp(s, 'scale-load', column('clients'))):(column('server_cpu_per_delivery_us') / send_us) \
        with linespoints lw 2 dt sdash(s) pt marker(sv(s)) lc rgb scolour(s) notitle, \
     cpu_factor with lines dt 2 lc rgb 'black' title sprintf('target: %g x one send()', cpu_factor), \
     1 with lines dt 3 lc rgb 'black' title 'one send()'

set title 'server CPU (% of its one core)'
set yrange [0:105]
set ylabel 'server CPU (% of one core)'
plot for [s in series_list] datafile \
        using (pickp(s, 'scale-load', column('clients'))):(column('server_cpu_pct')) \
        with linespoints lw 2 dt sdash(s) pt marker(sv(s)) lc rgb scolour(s) notitle, \
     cpu_pct with lines dt 3 lc rgb 'black' title sprintf('CPU-bound (%g%%)', cpu_pct)
unset multiplot
