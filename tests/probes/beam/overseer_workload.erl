%% The node the BEAM source tests record: figures known in advance.
%%   overseer_holder    holds a list of N integers (no binaries) in its state
%%   overseer_sink      never takes a message; the test fills its mailbox
%%   overseer_test_sup  a supervisor (one_for_one) with three gen_server
%%                      children: child_a, child_b, child_c
%% Started with: erl -sname NAME -setcookie C -noinput -pa DIR
%%                   -eval 'overseer_workload:start(N)'
-module(overseer_workload).
-behaviour(supervisor).
%% Also the gen_server callbacks of the children (init/1 is shared).

-export([start/1, fill/0, hold/1, sink/0, start_child/1, spawn_idle/1, stall_rex/1]).
-export([init/1, handle_call/3, handle_cast/2]).

start(N) ->
    Holder = spawn(?MODULE, hold, [N]),
    register(overseer_holder, Holder),
    register(overseer_sink, spawn(?MODULE, sink, [])),
    {ok, Sup} = supervisor:start_link({local, overseer_test_sup}, ?MODULE, sup),
    unlink(Sup),
    register(overseer_ready, spawn(fun() -> receive stop -> ok end end)),
    ok.

%% Sends 1000 messages to overseer_sink.
fill() ->
    [overseer_sink ! {item, I} || I <- lists:seq(1, 1000)],
    ok.

%% Starts N more processes that wait for ever (for the benchmarks).
spawn_idle(N) ->
    [spawn(?MODULE, sink, []) || _ <- lists:seq(1, N)],
    ok.

%% Makes the node's rpc server stop answering: suspends rex, writes the file
%% Path to say so, and resumes rex once Path is removed.
stall_rex(Path) ->
    Rex = whereis(rex),
    spawn(fun() ->
                  true = erlang:suspend_process(Rex),
                  ok = file:write_file(Path, <<>>),
                  wait_removed(Path),
                  true = erlang:resume_process(Rex)
          end),
    ok.

wait_removed(Path) ->
    case filelib:is_file(Path) of
        true -> timer:sleep(10), wait_removed(Path);
        false -> ok
    end.

hold(N) ->
    List = lists:seq(1, N),
    %% Collect now, so that memory is the list and little else from here on.
    erlang:garbage_collect(),
    hold_loop(List).

hold_loop(List) ->
    receive
        {length, From} -> From ! {length, length(List)}, hold_loop(List)
    end.

sink() ->
    receive never_sent -> ok end.

start_child(Name) ->
    gen_server:start_link({local, Name}, ?MODULE, Name, []).

%% supervisor
init(sup) ->
    Child = fun(Name) ->
                #{id => Name, start => {?MODULE, start_child, [Name]},
                  restart => permanent, type => worker}
            end,
    {ok, {#{strategy => one_for_one, intensity => 3, period => 5},
          [Child(child_a), Child(child_b), Child(child_c)]}};
%% gen_server
init(Name) ->
    {ok, Name}.

handle_call(_Request, _From, State) -> {reply, ok, State}.
handle_cast(_Request, State) -> {noreply, State}.
