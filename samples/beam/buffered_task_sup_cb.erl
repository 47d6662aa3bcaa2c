%% The supervisors of samples/beam/buffered_task.erl: the top one
%% (one_for_one: the task supervisor, then the fetcher) and the task
%% supervisor (simple_one_for_one, temporary tasks, as Task.Supervisor's).
-module(buffered_task_sup_cb).
-behaviour(supervisor).
-export([init/1, start_tasks/0]).

start_tasks() ->
    supervisor:start_link({local, buffered_task_tasks}, ?MODULE, tasks).

init(tasks) ->
    {ok, {#{strategy => simple_one_for_one, intensity => 10, period => 1},
          [#{id => task, start => {buffered_task, start_task, []},
             restart => temporary, type => worker}]}};
init(Mode) ->
    {ok, {#{strategy => one_for_one, intensity => 3, period => 5},
          [#{id => buffered_task_tasks, start => {?MODULE, start_tasks, []},
             type => supervisor},
           #{id => buffered_task,
             start => {gen_server, start_link, [{local, buffered_task}, buffered_task, Mode, []]}}]}}.
