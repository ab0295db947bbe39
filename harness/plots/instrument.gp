# Is the instrument cheaper than what it measures? Every load run is one point: server CPU per
# delivery across, load generator CPU per delivery up. Below the diagonal, the load generator
# spent less per delivery than the server.
w = 650; h = 500
load 'common.gp'
set title 'Load generator vs server: CPU per delivery (each point one load run)'
set logscale xy
set format xy '%g'
set xlabel 'server CPU per delivery (us)'
set ylabel 'chat-loadgen CPU per delivery (us)'
set key bottom right
plot for [v in variants] datafile \
        using (pick(v, 'load', column('server_cpu_per_delivery_us'))):(column('loadgen_cpu_per_delivery_us')) \
        with points pt marker(v) lc rgb colour(v) title v, \
     x with lines dt 2 lc rgb 'black' title 'equal cost'
