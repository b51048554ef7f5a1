-- Lets nvim-lspconfig (0.1.x / 1.x) find qalam by name: require('lspconfig').qalam.setup({}).
return require('qalam.lspconfig')
