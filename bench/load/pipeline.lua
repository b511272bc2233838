-- SPDX-License-Identifier: BSL-1.0
-- HTTP/1.1 pipelining for wrk: every write carries `depth` requests for the URL's path, and wrk
-- counts each response. Usage: wrk ... -s bench/load/pipeline.lua http://127.0.0.1:P/ -- 16
local req

init = function(args)
    local depth = tonumber(args[1]) or 16
    local r = {}
    for i = 1, depth do
        r[i] = wrk.format(nil, nil)
    end
    req = table.concat(r)
end

request = function()
    return req
end
