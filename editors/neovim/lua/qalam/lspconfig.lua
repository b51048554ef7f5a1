-- qalam as an nvim-lspconfig server configuration (the `lspconfig.configs` shape of lspconfig 0.1.x / 1.x).
--
--   require('lspconfig').qalam.setup({})     -- found through lua/lspconfig/configs/qalam.lua in this plugin
--
-- or, registering it by hand:
--
--   local configs = require('lspconfig.configs')
--   configs.qalam = configs.qalam or require('qalam.lspconfig')
--   require('lspconfig').qalam.setup({
--     cmd = { '/path/to/qalam', 'serve', '--stdio' },
--     init_options = { lang = 'ar' },
--     settings = { qalam = { diagnostics = { enabled = { ['repeated-word'] = false } } } },
--   })
--
-- lspconfig 2.x on Neovim 0.11+ uses vim.lsp.config instead: see lsp/qalam.lua.

local function root_dir(fname)
  local ok, util = pcall(require, 'lspconfig.util')
  if ok and util.root_pattern then
    local root = util.root_pattern('.git')(fname)
    if root then
      return root
    end
  end
  return vim.fn.fnamemodify(fname, ':p:h')
end

return {
  default_config = {
    cmd = { 'qalam', 'serve', '--stdio' },
    filetypes = { 'text', 'markdown' },
    root_dir = root_dir,
    single_file_support = true,
    -- initializationOptions: { lang = 'ar' | 'en', debounceMs = 50, diagnostics = { enabled = {…}, severity = {…} } }
    init_options = {},
    -- Answered to the server's workspace/configuration (section "qalam"); same shape as init_options.
    settings = { qalam = {} },
    before_init = function(params)
      if params.locale == nil then
        params.locale = require('qalam').locale()
      end
    end,
  },
  docs = {
    description = [[
qalam: a language server for Arabic prose (who is named in it, who said what, broken quotation marks).
`qalam serve --stdio`; install the server with `cargo install --path .` in its repository.
]],
  },
}
