%% Erlang distribution's round trip, the figure PacketFlow's cluster ask is held to: a process on one node sends
%% {self(), Ref} to a process on another node, which sends Ref back; timed one at a time, like the bench's asks.
%% Compiled and run by bench/src/cluster/erlang-rtt.ts when Erlang/OTP is installed.
-module(rtt).
-export([echo/0, run/3]).

echo() ->
    receive
        {From, Ref} -> From ! Ref, echo();
        stop -> ok
    end.

%% Prints the median and the 99th percentile of the timed round trips, in nanoseconds.
run(Node, Warmup, Count) ->
    Echo = spawn(Node, rtt, echo, []),
    _ = loop(Echo, Warmup, []),
    Times = loop(Echo, Count, []),
    Echo ! stop,
    Sorted = lists:sort(Times),
    P = fun(Q) -> lists:nth(max(1, round(Q * length(Sorted))), Sorted) end,
    io:format("rtt ~p ~p~n", [P(0.5), P(0.99)]).

loop(_, 0, Acc) -> Acc;
loop(Echo, N, Acc) ->
    Ref = make_ref(),
    T0 = erlang:monotonic_time(nanosecond),
    Echo ! {self(), Ref},
    receive Ref -> ok end,
    T1 = erlang:monotonic_time(nanosecond),
    loop(Echo, N - 1, [T1 - T0 | Acc]).
