SELECT DISTINCT
  `t0`.`year`
FROM `my-project`.`dyadwatch`.`roll_calls` AS `t0`
WHERE
  `t0`.`source` = 'unvotes' AND `t0`.`year` >= 1990 AND `t0`.`year` <= 2019
