-- Headless Neovim test of the qalam plugin against the real server (see run.sh).
--
-- Environment: QALAM_BIN (server binary), QALAM_FIXTURE (tests/editors/fixtures/khabar.txt), QALAM_FIXTURE_MD
-- (the same text under a two-line Markdown heading),
-- QALAM_PLUGIN (editors/neovim), QALAM_TEST_LANG ('en' or 'ar': the `lang` passed to setup()),
-- QALAM_TEST_MODE ('setup', default, or 'enable': Neovim 0.11's vim.lsp.enable with lsp/qalam.lua).
-- Prints one `ok`/`FAIL` line per check; exits 0 when all pass, 1 otherwise (`:cquit`).
-- Works on Neovim 0.7 (utf-16 positions) and 0.11 (offers utf-8 first).

local failures = 0
local function say(line)
  io.stdout:write(line .. '\n')
  io.stdout:flush()
end
local function check(cond, what, detail)
  if cond then
    say('ok   ' .. what)
  else
    failures = failures + 1
    say('FAIL ' .. what .. (detail and (': ' .. detail) or ''))
  end
  return cond
end
local function show(value)
  return vim.inspect(value, { newline = ' ', indent = '' })
end

local TIMEOUT = 15000
local bin = assert(vim.env.QALAM_BIN, 'QALAM_BIN is not set')
local fixture = assert(vim.env.QALAM_FIXTURE, 'QALAM_FIXTURE is not set')
local plugin = assert(vim.env.QALAM_PLUGIN, 'QALAM_PLUGIN is not set')
local lang = vim.env.QALAM_TEST_LANG or 'en'
local mode = vim.env.QALAM_TEST_MODE or 'setup' -- 'setup': require('qalam').setup{}; 'enable': vim.lsp.enable
local nvim11 = vim.fn.has('nvim-0.11') == 1

--- The LSP character offset of byte column `byte` in `line` for `encoding`.
local function lsp_col(line, byte, encoding)
  if encoding == 'utf-8' then
    return byte
  end
  local utf32, utf16 = vim.str_utfindex(line, byte)
  return encoding == 'utf-16' and utf16 or utf32
end

--- 0-based byte column of the first occurrence of `needle` (plain) in `line`, plus `skip` bytes.
local function byte_of(line, needle, skip)
  local start = line:find(needle, 1, true)
  assert(start, ('%q not found in %q'):format(needle, line))
  return start - 1 + (skip or 0)
end

local function qalam_client(bufnr)
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr, name = 'qalam' })
    or vim.lsp.buf_get_clients(bufnr)
  for _, client in pairs(clients) do
    if client.name == 'qalam' then
      return client
    end
  end
  return nil
end

local function diagnostics_with(bufnr, code)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == code then
      table.insert(found, d)
    end
  end
  return found
end

local function request(bufnr, method, params)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, TIMEOUT)
  if not responses then
    return nil, err or 'no response'
  end
  for _, response in pairs(responses) do
    if response.error then
      return nil, show(response.error)
    end
    return response.result
  end
  return nil, 'empty response'
end

--- "Group[child, child] Group[…]": the names in a DocumentSymbol tree, for failure messages.
local function outline(symbols)
  local parts = {}
  for _, s in ipairs(symbols or {}) do
    local children = {}
    for _, c in ipairs(s.children or {}) do
      table.insert(children, c.name)
    end
    table.insert(parts, ('%s[%s]'):format(s.name, table.concat(children, ', ')))
  end
  return table.concat(parts, ' ')
end

local function hover_text(result)
  local contents = result and result.contents
  if type(contents) == 'string' then
    return contents
  elseif type(contents) == 'table' and contents.value then
    return contents.value
  elseif type(contents) == 'table' then
    local parts = {}
    for _, c in ipairs(contents) do
      table.insert(parts, type(c) == 'string' and c or c.value or '')
    end
    return table.concat(parts, '\n')
  end
  return ''
end

local function run()
  say(('neovim 0.%s, lang=%s, mode=%s'):format(tostring(vim.version and vim.version() and vim.version().minor), lang, mode))
  vim.opt.runtimepath:prepend(plugin)
  vim.cmd('filetype on')
  local exit_code
  local function on_exit(code, signal)
    exit_code = { code = code, signal = signal }
  end
  if mode == 'lspconfig' then
    -- The nvim-lspconfig configuration (lua/qalam/lspconfig.lua), started the way lspconfig 1.x does: its
    -- default_config with the user's fields over it and root_dir(fname) resolved (lspconfig is not installed here).
    local lspconfig = require('qalam.lspconfig')
    check(require('lspconfig.configs.qalam') == lspconfig, 'lspconfig.configs.qalam finds the configuration')
    local config = vim.tbl_extend('force', vim.deepcopy(lspconfig.default_config), {
      name = 'qalam',
      cmd = { bin, 'serve', '--stdio' },
      init_options = { lang = lang },
      on_exit = on_exit,
    })
    config.root_dir = config.root_dir(fixture)
    check(config.root_dir == vim.fn.fnamemodify(fixture, ':p:h'), 'root_dir falls back to the file directory', config.root_dir)
    vim.api.nvim_create_autocmd('FileType', {
      pattern = config.filetypes,
      callback = function(args)
        vim.lsp.start(config, { bufnr = args.buf })
      end,
    })
  elseif mode == 'enable' then
    -- Neovim 0.11+: the configuration in lsp/qalam.lua, through vim.lsp.config / vim.lsp.enable.
    vim.lsp.config('qalam', { cmd = { bin, 'serve', '--stdio' }, init_options = { lang = lang }, on_exit = on_exit })
    vim.lsp.enable('qalam')
  else
    require('qalam').setup({ cmd = { bin, 'serve', '--stdio' }, lang = lang, on_exit = on_exit })
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(fixture))
  local bufnr = vim.api.nvim_get_current_buf()
  check(vim.bo[bufnr].filetype == 'text', 'fixture opens as filetype text', vim.bo[bufnr].filetype)

  -- Attach and initialize.
  local client
  vim.wait(TIMEOUT, function()
    client = qalam_client(bufnr)
    return client ~= nil and client.initialized == true
  end, 20)
  if not check(client ~= nil and client.initialized, 'the plugin starts and initializes qalam serve') then
    return
  end
  local encoding = client.offset_encoding
  -- The server takes utf-8 when offered (0.11 offers it first), utf-16 when the client offers none (0.7).
  check(encoding == (nvim11 and 'utf-8' or 'utf-16'), 'negotiated position encoding', encoding)
  local caps = client.server_capabilities or client.resolved_capabilities or {}
  check(caps.hoverProvider ~= nil and caps.hoverProvider ~= false, 'server offers hover', show(caps.hoverProvider))
  check(caps.documentSymbolProvider ~= nil and caps.documentSymbolProvider ~= false, 'server offers documentSymbol')

  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  local stray_col = byte_of(lines[3], 'المياه"', #'المياه') -- the '"' after المياه on line 3

  -- Diagnostics: the stray closing mark, at its exact byte column (converted from the negotiated encoding).
  vim.wait(TIMEOUT, function()
    return #diagnostics_with(bufnr, 'unmatched-closing-quote') > 0
  end, 20)
  local all = vim.diagnostic.get(bufnr)
  local codes = {}
  for _, d in ipairs(all) do
    table.insert(codes, ('%s@%d:%d'):format(tostring(d.code), d.lnum, d.col))
  end
  say('     diagnostics: ' .. table.concat(codes, ' '))
  local stray = diagnostics_with(bufnr, 'unmatched-closing-quote')
  check(#stray == 1, 'one unmatched-closing-quote diagnostic', show(codes))
  if stray[1] then
    check(
      stray[1].lnum == 2 and stray[1].col == stray_col and stray[1].end_lnum == 2 and stray[1].end_col == stray_col + 1,
      'unmatched-closing-quote covers exactly the stray mark',
      ('got %d:%d-%d:%d, want 2:%d-2:%d'):format(
        stray[1].lnum,
        stray[1].col,
        stray[1].end_lnum,
        stray[1].end_col,
        stray_col,
        stray_col + 1
      )
    )
    check(stray[1].source == 'qalam', 'diagnostic source is qalam', tostring(stray[1].source))
    check(stray[1].severity == vim.diagnostic.severity.WARN, 'unmatched-closing-quote is a warning')
  end
  -- The rest of the fixture is clean, well-edited text: no other diagnostic.
  local others = {}
  for _, d in ipairs(all) do
    if d.code ~= 'unmatched-closing-quote' then
      table.insert(others, ('%s@%d:%d'):format(tostring(d.code), d.lnum, d.col))
    end
  end
  check(#others == 0, 'no other diagnostic on the clean lines', table.concat(others, ' '))

  -- Hover on the surname in «وقال شكري»: the canonical name is the full name from line 1.
  local surname_col = byte_of(lines[2], 'شكري')
  vim.api.nvim_win_set_cursor(0, { 2, surname_col + #'ش' }) -- inside the word
  local hover, herr = request(bufnr, 'textDocument/hover', vim.lsp.util.make_position_params(0, encoding))
  local text = hover_text(hover)
  check(hover ~= nil, 'hover on شكري answers', herr)
  check(text:find('سامح شكري', 1, true) ~= nil, 'hover names the canonical name سامح شكري', text)
  if hover and hover.range then
    local want = lsp_col(lines[2], surname_col, encoding)
    check(
      hover.range.start.line == 1
        and hover.range.start.character == want
        and hover.range['end'].character == lsp_col(lines[2], surname_col + #'شكري', encoding),
      'hover range is the mention شكري without its clitics',
      show(hover.range)
    )
  end

  -- Document symbols: a Quotations group whose child is the quotation on line 2, attributed to شكري.
  local symbols, serr = request(bufnr, 'textDocument/documentSymbol', { textDocument = vim.lsp.util.make_text_document_params(bufnr) })
  check(type(symbols) == 'table' and #symbols > 0, 'documentSymbol returns symbols', serr or show(symbols))
  local group_name = lang == 'ar' and 'الاقتباسات' or 'Quotations'
  local quotations, people
  for _, s in ipairs(symbols or {}) do
    if s.name == group_name then
      quotations = s
    end
    for _, child in ipairs(s.children or {}) do
      if child.name == 'سامح شكري' then
        people = s
      end
    end
  end
  check(quotations ~= nil, ('symbol tree has the %s group'):format(group_name), outline(symbols))
  check(people ~= nil, 'symbol tree has a group holding the person سامح شكري', outline(symbols))
  if quotations then
    local children = quotations.children or {}
    check(#children == 1, 'one quotation in the group', show(children))
    local q = children[1]
    if q then
      local open_col = byte_of(lines[2], '"')
      local close_col = byte_of(lines[2], '".', 0) + 1
      check(
        q.range.start.line == 1
          and q.range.start.character == lsp_col(lines[2], open_col, encoding)
          and q.range['end'].line == 1
          and q.range['end'].character == lsp_col(lines[2], close_col, encoding),
        'quotation range spans its marks exactly',
        show(q.range)
      )
      check(q.name:find('التنسيق', 1, true) ~= nil, 'quotation symbol is named by its first words', q.name)
      check(q.detail ~= nil and q.detail:find('شكري', 1, true) ~= nil, 'quotation detail names the speaker', tostring(q.detail))
    end
  end

  -- Incremental edits: insert a line at the top, then delete the stray mark.
  vim.api.nvim_buf_set_lines(bufnr, 0, 0, false, { 'تقرير خاص 🌍' })
  local moved = vim.wait(TIMEOUT, function()
    local d = diagnostics_with(bufnr, 'unmatched-closing-quote')[1]
    return d ~= nil and d.lnum == 3 and d.col == stray_col
  end, 20)
  check(moved, 'after inserting a line, the diagnostic moves to line 4', show(diagnostics_with(bufnr, 'unmatched-closing-quote')))
  vim.api.nvim_buf_set_text(bufnr, 3, stray_col, 3, stray_col + 1, {})
  local cleared = vim.wait(TIMEOUT, function()
    return #diagnostics_with(bufnr, 'unmatched-closing-quote') == 0
  end, 20)
  check(cleared, 'deleting the stray mark clears the diagnostic', show(diagnostics_with(bufnr, 'unmatched-closing-quote')))

  -- A Markdown buffer (the fixture under a heading) attaches to the same server process.
  vim.cmd('edit ' .. vim.fn.fnameescape(vim.env.QALAM_FIXTURE_MD))
  local md = vim.api.nvim_get_current_buf()
  check(vim.bo[md].filetype == 'markdown', 'the .md file opens as filetype markdown', vim.bo[md].filetype)
  local md_client
  vim.wait(TIMEOUT, function()
    md_client = qalam_client(md)
    return md_client ~= nil
  end, 20)
  check(md_client ~= nil and md_client.id == client.id, 'the markdown buffer shares the running server')
  local md_stray = vim.wait(TIMEOUT, function()
    local d = diagnostics_with(md, 'unmatched-closing-quote')[1]
    return d ~= nil and d.lnum == 4 and d.col == stray_col
  end, 20)
  check(md_stray, 'markdown buffer gets its own diagnostics', show(vim.diagnostic.get(md)))

  -- Settings reach the running server: pushed with workspace/didChangeConfiguration (`settings.qalam`), then
  -- (0.11) pulled through workspace/configuration, which Neovim answers from the client's `settings`. Neovim 0.7
  -- does not announce `workspace.configuration`, so the server does not pull there: it gets the settings pushed.
  local function notify(method, params)
    if nvim11 then
      return client:notify(method, params)
    end
    return client.notify(method, params)
  end
  local function stray_severity()
    local d = diagnostics_with(md, 'unmatched-closing-quote')[1]
    return d and d.severity
  end
  notify('workspace/didChangeConfiguration', {
    settings = { qalam = { diagnostics = { severity = { ['unmatched-closing-quote'] = 'error' } } } },
  })
  local severe = vim.wait(TIMEOUT, function()
    return stray_severity() == vim.diagnostic.severity.ERROR
  end, 20)
  check(severe, 'pushed settings: the severity override makes it an error', show(vim.diagnostic.get(md)))
  local settings = { qalam = { diagnostics = { enabled = { ['unmatched-closing-quote'] = false } } } }
  client.config.settings = settings
  if nvim11 then
    client.settings = settings
  end
  notify('workspace/didChangeConfiguration', { settings = nvim11 and vim.NIL or settings })
  local disabled = vim.wait(TIMEOUT, function()
    return stray_severity() == nil
  end, 20)
  check(
    disabled,
    (nvim11 and 'pulled' or 'pushed') .. ' settings: the disabled code is no longer published',
    show(vim.diagnostic.get(md))
  )

  -- Shutdown.
  vim.lsp.stop_client(client.id)
  vim.wait(TIMEOUT, function()
    return exit_code ~= nil
  end, 20)
  check(
    exit_code ~= nil and exit_code.code == 0 and exit_code.signal == 0,
    'server exits with status 0 after shutdown/exit',
    show(exit_code)
  )
end

local ok, err = xpcall(run, debug.traceback)
if not ok then
  failures = failures + 1
  say('FAIL test script error: ' .. tostring(err))
end
say(failures == 0 and 'PASS neovim' or ('FAIL neovim: %d check(s) failed'):format(failures))
if failures == 0 then
  vim.cmd('qa!')
else
  vim.cmd('cquit 1')
end
