-- qalam for Neovim: starts `qalam serve --stdio` for prose buffers.
--
--   require('qalam').setup({
--     cmd = { 'qalam', 'serve', '--stdio' },   -- the server command (a list)
--     filetypes = { 'text', 'markdown' },      -- buffers qalam attaches to
--     lang = 'auto',                           -- 'auto' | 'ar' | 'en': language of messages
--     root_markers = { '.git' },               -- the workspace root is the nearest parent holding one
--     init_options = {},                       -- extra initializationOptions, merged under `lang`
--     settings = {},                           -- answered to workspace/configuration, e.g.
--                                              -- { qalam = { diagnostics = { enabled = { ['repeated-word'] = false } } } }
--     on_attach = nil,                         -- function(client, bufnr)
--     on_exit = nil,                           -- function(code, signal, client_id)
--     capabilities = nil,                      -- client capabilities (e.g. from nvim-cmp)
--   })
--
-- Works on Neovim 0.8+ through vim.lsp.start (one server process is shared by all buffers), and on 0.7
-- through vim.lsp.start_client + vim.lsp.buf_attach_client. On 0.11+ you may instead use the config in
-- lsp/qalam.lua with vim.lsp.enable('qalam'), see README.md.

local M = {}

--- Defaults of setup(); see the header for their meaning.
M.defaults = {
  cmd = { 'qalam', 'serve', '--stdio' },
  filetypes = { 'text', 'markdown' },
  lang = 'auto',
  root_markers = { '.git' },
  init_options = {},
  settings = {},
  on_attach = nil,
  on_exit = nil,
  capabilities = nil,
}

--- The configuration in use (defaults merged with the last setup() call).
M.config = vim.deepcopy(M.defaults)

local augroup_name = 'qalam'
-- Client id of the shared server on Neovim 0.7 (vim.lsp.start reuses its client by itself).
local legacy_client_id = nil
-- Whether the "not executable" error was shown (once per session is enough).
local missing_notified = false

--- The locale to announce in `initialize` (LSP 3.16 `locale`), from the messages language of the editor:
--- `v:lang`, then $LC_ALL, $LC_MESSAGES, $LANG. Returns e.g. 'ar' for 'ar_EG.UTF-8', nil for C/POSIX.
function M.locale()
  for _, value in ipairs({ vim.v.lang, vim.env.LC_ALL, vim.env.LC_MESSAGES, vim.env.LANG }) do
    if type(value) == 'string' and value ~= '' then
      if value == 'C' or value == 'POSIX' or value:match('^C%.') then
        return nil
      end
      local tag = value:match('^(%a%a%a?)%f[^%a]')
      return tag and tag:lower() or nil
    end
  end
  return nil
end

--- The directory a buffer belongs to: the nearest ancestor holding a root marker, else the file's directory,
--- else the working directory (for unnamed buffers).
function M.root_dir(bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' then
    return vim.fn.getcwd()
  end
  local dir = vim.fn.fnamemodify(name, ':p:h')
  for _, marker in ipairs(M.config.root_markers or {}) do
    local found = vim.fn.finddir(marker, dir .. ';')
    if found ~= '' then
      -- ':p' gives a directory a trailing slash: ':h' drops it, the second ':h' the marker itself.
      return vim.fn.fnamemodify(found, ':p:h:h')
    end
    found = vim.fn.findfile(marker, dir .. ';')
    if found ~= '' then
      return vim.fn.fnamemodify(found, ':p:h')
    end
  end
  return dir
end

--- The client configuration handed to vim.lsp.start / vim.lsp.start_client for a buffer.
function M.client_config(bufnr)
  local config = M.config
  local init_options = vim.deepcopy(config.init_options or {})
  if config.lang == 'ar' or config.lang == 'en' then
    init_options.lang = config.lang
  end
  local root = M.root_dir(bufnr)
  return {
    name = 'qalam',
    cmd = config.cmd,
    root_dir = root,
    init_options = init_options,
    settings = config.settings,
    capabilities = config.capabilities,
    on_attach = config.on_attach,
    on_exit = config.on_exit,
    before_init = function(params)
      if params.locale == nil then
        params.locale = M.locale()
      end
    end,
  }
end

local function has_value(list, value)
  for _, v in ipairs(list) do
    if v == value then
      return true
    end
  end
  return false
end

--- Starts (or reuses) the server and attaches it to `bufnr` (default: the current buffer).
--- Returns the client id, or nil when the server cannot be started (the reason is notified).
function M.attach(bufnr)
  if bufnr == nil or bufnr == 0 then
    bufnr = vim.api.nvim_get_current_buf()
  end
  if vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  if vim.fn.executable(M.config.cmd[1]) ~= 1 then
    if missing_notified then
      return nil
    end
    missing_notified = true
    vim.notify(
      ('qalam: %s is not executable; install qalam or pass cmd = { "/path/to/qalam", "serve", "--stdio" } to setup()'):format(
        M.config.cmd[1]
      ),
      vim.log.levels.ERROR
    )
    return nil
  end
  local config = M.client_config(bufnr)
  if vim.lsp.start ~= nil then
    local id
    vim.api.nvim_buf_call(bufnr, function()
      id = vim.lsp.start(config, {
        bufnr = bufnr,
        -- One process serves every buffer: the analysis is per document.
        reuse_client = function(client, conf)
          return client.name == conf.name and vim.deep_equal(client.config.cmd, conf.cmd)
        end,
      })
    end)
    return id
  end
  -- Neovim 0.7.
  if legacy_client_id == nil or vim.lsp.get_client_by_id(legacy_client_id) == nil then
    legacy_client_id = vim.lsp.start_client(config)
    if legacy_client_id == nil then
      return nil
    end
  end
  vim.lsp.buf_attach_client(bufnr, legacy_client_id)
  return legacy_client_id
end

--- Configures qalam and attaches it to buffers of `opts.filetypes`, now and as they are opened.
function M.setup(opts)
  M.config = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  -- Lists replace the defaults instead of merging index by index.
  for _, key in ipairs({ 'cmd', 'filetypes', 'root_markers' }) do
    if opts and opts[key] ~= nil then
      M.config[key] = opts[key]
    end
  end
  local group = vim.api.nvim_create_augroup(augroup_name, { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.config.filetypes,
    callback = function(args)
      M.attach(args.buf)
    end,
    desc = 'Attach the qalam language server',
  })
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and has_value(M.config.filetypes, vim.bo[buf].filetype) then
      M.attach(buf)
    end
  end
end

return M
